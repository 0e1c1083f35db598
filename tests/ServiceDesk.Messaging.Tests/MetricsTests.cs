using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Messaging.Tests;

[Collection(RedisCollection.Name)]
public sealed class MetricsTests(RedisFixture redis)
{
    [Fact]
    public async Task The_backlog_of_the_services_own_groups_is_exported_as_metrics()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var publisher = await ServiceHost.StartAsync(Probes.Service("publisher"), Probes.Settings(redis.Configuration, prefix));
        await using var consumer = await ServiceHost.StartAsync(
            Probes.Consumer("consumer-a"),
            new Dictionary<string, string?>(Probes.Settings(redis.Configuration, prefix)) { ["Telemetry:Exporter"] = "prometheus" });
        consumer.Services.GetRequiredService<FailureSwitch>().FailingKeys["P1"] = true;

        await Probes.PublishAsync(publisher, 3);

        var metrics = await Eventually.WaitForAsync(
            () => consumer.Http.GetStringAsync("/metrics"),
            body => Line(body, "servicedesk_events_dead_letters").EndsWith(" 1", StringComparison.Ordinal),
            "the dead letter to show in the exported gauge");
        Assert.EndsWith(" 0", Line(metrics, "servicedesk_events_pending"), StringComparison.Ordinal);
        Assert.EndsWith(" 0", Line(metrics, "servicedesk_events_lag"), StringComparison.Ordinal);
        Assert.Contains("servicedesk_events_handled_total", metrics, StringComparison.Ordinal);
        Assert.Contains("servicedesk_events_failed_total", metrics, StringComparison.Ordinal);
    }

    private static string Line(string metrics, string name) =>
        metrics.Split('\n').FirstOrDefault(l => l.StartsWith(name + "{", StringComparison.Ordinal) && l.Contains("family=\"probe\",group=\"consumer-a\"", StringComparison.Ordinal))?.Split(' ', 3) is [var series, var value, ..]
            ? $"{series} {value}"
            : string.Empty;
}
