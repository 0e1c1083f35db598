using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Hosting;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Gateway.Tests.Api;

/// <summary>The gateway's readiness asks each backend for its gRPC health, which needs no token.</summary>
[Collection(GatewayCollection.Name)]
public sealed class BackendHealthTests(GatewayHosts hosts)
{
    [Fact]
    public async Task The_gateway_asks_a_backend_for_its_health_without_a_token()
    {
        await using var ticketing = await ServiceHost.StartAsync(HealthRecorder.App, new Dictionary<string, string?>
        {
            ["Auth:Authority"] = hosts.Identity.Endpoints.HttpUri.ToString(),
        });
        await using var gateway = await hosts.StartGatewayAsync(("Services:ticketing", ticketing.Endpoints.GrpcUri.ToString()));
        var checks = ticketing.Services.GetRequiredService<HealthRecorder>();

        await Eventually.WaitForAsync(() => !checks.Authorizations.IsEmpty, "the gateway to ask the backend for its health");

        // A token there made the backend wait for Identity's keys on every start: the probe's deadline cut that wait
        // short, and each backend logged an Error with its stack trace.
        Assert.All(checks.Authorizations, authorization => Assert.Equal(string.Empty, authorization));
    }

    private sealed class HealthRecorder
    {
        public static readonly ServiceApp App = new(
            "probe",
            "ServiceDesk.Gateway.Tests",
            builder =>
            {
                builder.AddServiceDefaults("probe");
                builder.Services.AddSingleton<HealthRecorder>();
            },
            app =>
            {
                var recorder = app.Services.GetRequiredService<HealthRecorder>();
                app.Use(async (context, next) =>
                {
                    if (context.Request.Path.StartsWithSegments("/grpc.health.v1.Health", StringComparison.Ordinal))
                    {
                        recorder.Authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
                    }

                    await next(context);
                });
                app.MapServiceDefaults();
            });

        public ConcurrentQueue<string> Authorizations { get; } = new();
    }
}
