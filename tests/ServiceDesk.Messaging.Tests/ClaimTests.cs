using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Testing;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace ServiceDesk.Messaging.Tests;

[Collection(RedisCollection.Name)]
public sealed class ClaimTests(RedisFixture redis, ITestOutputHelper output) : ProbeStreamTests(redis)
{
    [Fact]
    public async Task An_abandoned_entry_behind_more_live_pending_entries_than_one_claim_scan_examines_is_still_claimed()
    {
        const int live = 11;
        await using (var publisher = await ServiceHost.StartAsync(Probes.Service("publisher"), Probes.Settings(RedisConfiguration, Prefix)))
        {
            await Probes.PublishAsync(publisher, live + 1);
            await Eventually.WaitForAsync(() => Redis.StreamLengthAsync(Keys.Stream), n => n == live + 1, "every event in the stream");
        }

        // A live replica holds the first entries (recently delivered); a crashed one holds the last, idle for ten minutes.
        await Redis.StreamReadGroupAsync(Keys.Stream, "consumer-a", "busy", StreamPosition.NewMessages, live);
        var abandoned = (await Redis.StreamReadGroupAsync(Keys.Stream, "consumer-a", "crashed", StreamPosition.NewMessages, 1)).Single();
        await Redis.ExecuteAsync("XCLAIM", Keys.Stream, "consumer-a", "crashed", 0, abandoned.Id, "IDLE", 600_000);

        // BatchSize 1: one XAUTOCLAIM examines at most ten pending entries, all of them the live replica's.
        var settings = new Dictionary<string, string?>(Probes.Settings(RedisConfiguration, Prefix, "claimer"))
        {
            ["Messaging:BatchSize"] = "1",
            ["Messaging:ClaimAfter"] = "00:01:00",
        };
        await using var consumer = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), settings);
        var received = consumer.Services.GetRequiredService<Received>();

        await Eventually.WaitForAsync(() => received.Count == 1, "the abandoned entry to be claimed and handled");
        output.WriteLine($"claimed and handled {received.ProjectKeys.Single()} behind {live} live pending entries");
        Assert.Equal($"P{live}", received.ProjectKeys.Single());
    }

    [Fact]
    public async Task A_consumer_that_is_gone_and_holds_nothing_is_removed_from_the_group()
    {
        await using (var gone = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), Probes.Settings(RedisConfiguration, Prefix, "gone")))
        {
            await Eventually.WaitForAsync(() => ConsumersAsync(), names => names.Contains("gone"), "the first replica to join the group");
        }

        await using var live = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), Probes.Settings(RedisConfiguration, Prefix, "live"));
        var consumers = await Eventually.WaitForAsync(
            () => ConsumersAsync(), names => names.Contains("live") && !names.Contains("gone"), "the stopped replica to leave the group");
        output.WriteLine($"consumers of consumer-a: {string.Join(", ", consumers)}");
    }

    private async Task<string[]> ConsumersAsync() =>
        await Redis.KeyExistsAsync(Keys.Stream) ? [.. (await Redis.StreamConsumerInfoAsync(Keys.Stream, "consumer-a")).Select(c => c.Name)] : [];
}
