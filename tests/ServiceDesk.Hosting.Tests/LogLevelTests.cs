using System.Diagnostics.Metrics;
using ServiceDesk.Testing;
using Xunit;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ServiceDesk.Hosting.Tests;

[Collection(RedisCollection.Name)]
public sealed class LogLevelTests(RedisFixture redis)
{
    [Fact]
    public async Task An_idle_gateway_and_backend_log_nothing_at_default_levels_over_several_health_probe_rounds()
    {
        await using var directory = await ServiceHost.StartAsync(ServiceApps.Directory, new Dictionary<string, string?> { ["Redis:Configuration"] = redis.Configuration });
        // Every backend of the gateway is this one directory: four probes of it per round.
        await using var gateway = await ServiceHost.StartAsync(
            ServiceApps.Gateway, ServiceNames.Backends.ToDictionary(backend => $"Services:{backend}", _ => (string?)directory.Endpoints.GrpcUri.ToString()));
        var probes = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meters) =>
        {
            if (instrument is { Name: "http.client.request.duration", Meter.Name: "System.Net.Http" })
            {
                meters.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "server.port", Value: int port } && port == directory.Endpoints.GrpcUri.Port)
                {
                    Interlocked.Increment(ref probes);
                }
            }
        });
        listener.Start();
        await Eventually.WaitForAsync(() => gateway.HealthAsync(), status => status == ServingStatus.Serving, "the gateway to be serving");
        var (gatewayMark, directoryMark, probesAtMark) = (gateway.Logs.Lines.Count, directory.Logs.Lines.Count, Volatile.Read(ref probes));

        await Eventually.WaitForAsync(() => Volatile.Read(ref probes) - probesAtMark >= 4 * ServiceNames.Backends.Count, "four rounds of health probes", TimeSpan.FromSeconds(60));

        var written = gateway.Logs.Lines.Skip(gatewayMark).Concat(directory.Logs.Lines.Skip(directoryMark));
        Assert.DoesNotContain(written, line => !line.Contains("\"level\":\"Debug\"", StringComparison.Ordinal) && !line.Contains("\"level\":\"Trace\"", StringComparison.Ordinal));
    }
}
