using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ServiceDesk.Messaging.Tests;

/// <summary>What a delivery costs in Redis calls, counted by the server (INFO commandstats).</summary>
[Collection(RedisCollection.Name)]
public sealed class RoundTripTests(RedisFixture redis, ITestOutputHelper output) : ProbeStreamTests(redis)
{
    private const int Events = 20;

    [Fact]
    public async Task A_replica_with_nothing_pending_reads_each_event_with_one_XREADGROUP()
    {
        var settings = new Dictionary<string, string?>(Probes.Settings(RedisConfiguration, Prefix))
        {
            // No blocking read times out during the test, and no claim scan or maintenance falls into it.
            ["Messaging:PollInterval"] = "00:01:00",
            ["Messaging:TrimInterval"] = "00:10:00",
        };
        await using var publisher = await ServiceHost.StartAsync(Probes.Service("publisher"), settings);
        await using var consumer = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), settings);
        var received = consumer.Services.GetRequiredService<Received>();
        await Probes.PublishAsync(publisher, 1, "WARM");
        await Eventually.WaitForAsync(() => received.Count == 1, "the first event", TimeSpan.FromSeconds(60));
        await Eventually.WaitForAsync(() => CaughtUpAsync("consumer-a"), caughtUp => caughtUp, "the first event acknowledged", TimeSpan.FromSeconds(60));

        var before = await ReadGroupCallsAsync();
        for (var i = 0; i < Events; i++)
        {
            await Probes.PublishAsync(publisher, 1, $"R{i}-");
            await Eventually.WaitForAsync(() => received.Count == i + 2, $"event {i}", TimeSpan.FromSeconds(60));
        }

        await Eventually.WaitForAsync(() => CaughtUpAsync("consumer-a"), caughtUp => caughtUp, "every event acknowledged", TimeSpan.FromSeconds(60));
        var calls = await ReadGroupCallsAsync() - before;
        output.WriteLine($"{calls} XREADGROUP calls for {Events} events, one at a time");
        // One blocking read returns each event and the next one starts; reading the replica's own pending entries
        // every round as well took two per event.
        Assert.InRange(calls, Events, Events + 3);
    }

    private async Task<long> ReadGroupCallsAsync()
    {
        var stats = (string)(await Redis.ExecuteAsync("INFO", "commandstats"))!;
        var line = stats.Split('\n').Single(l => l.StartsWith("cmdstat_xreadgroup:", StringComparison.Ordinal));
        return long.Parse(line.Split("calls=")[1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
