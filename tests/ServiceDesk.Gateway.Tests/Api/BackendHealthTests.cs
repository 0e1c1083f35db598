using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Hosting;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Gateway.Tests.Api;

/// <summary>The gateway's health report asks each backend for its gRPC health, which needs no token.</summary>
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

    [Fact]
    public async Task A_backend_that_is_down_degrades_the_gateway_leaves_it_ready_for_the_other_backends_and_is_not_serving_by_name()
    {
        await using var gateway = await hosts.StartGatewayAsync(("Services:notification", "http://127.0.0.1:1"));
        using var client = new ApiClient(gateway.Endpoints.HttpUri);

        var report = await Eventually.WaitForAsync(
            async () =>
            {
                using var response = await client.SendAsync(HttpMethod.Get, "/healthz");
                return (response.StatusCode, Body: JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
            },
            health => health.Body.GetProperty("dependencies").GetProperty(ServiceNames.Notification).GetProperty("status").GetString() == "Degraded",
            "the gateway's health report to show Notification down");
        var health = new Health.HealthClient(gateway.Channel);
        var readiness = await health.CheckAsync(new HealthCheckRequest());
        var notification = await health.CheckAsync(new HealthCheckRequest { Service = ServiceNames.Notification });
        var ticketing = await health.CheckAsync(new HealthCheckRequest { Service = ServiceNames.Ticketing });
        using var watch = health.Watch(new HealthCheckRequest { Service = ServiceNames.Notification });
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));
        using var signIn = await client.SendAsync(HttpMethod.Post, "/api/v1/session", new { login = "nobody@example.test", password = "wrong password" });

        Assert.Equal((HttpStatusCode.OK, "Degraded"), (report.StatusCode, report.Body.GetProperty("status").GetString()));
        Assert.Equal("Healthy", report.Body.GetProperty("dependencies").GetProperty(ServiceNames.Ticketing).GetProperty("status").GetString());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, readiness.Status);
        // Asked for by name, the backend's own entry says it is down (it answered SERVING, the readiness answer, once).
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, notification.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, watch.ResponseStream.Current.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, ticketing.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
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
