using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Testing;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace ServiceDesk.Messaging.Tests;

[Collection(RedisCollection.Name)]
public sealed class LatencyTests(RedisFixture redis, ITestOutputHelper output) : ProbeStreamTests(redis)
{
    private const int Events = 20;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Events_reach_the_handler_far_sooner_than_the_poll_interval_with_or_without_pub_sub(bool asAclUserWithoutPubSub)
    {
        // An ACL user that may use no pub/sub channel but the client library's own: delivery cannot lean on a
        // wake-up message, and every PUBLISH of one fails.
        var user = $"no-pubsub-{Prefix.TrimEnd(':')}";
        const string password = "no-pubsub-password-for-tests";
        await Redis.ExecuteAsync("ACL", "SETUSER", user, "on", ">" + password, "~*", "resetchannels", "&__Booksleeve_MasterChanged", "+@all");
        try
        {
            var settings = new Dictionary<string, string?>(Probes.Settings(RedisConfiguration, Prefix))
            {
                ["Redis:User"] = asAclUserWithoutPubSub ? user : null,
                ["Redis:Password"] = asAclUserWithoutPubSub ? password : null,
                ["Messaging:PollInterval"] = "00:00:30",
                ["Messaging:RelayInterval"] = "00:00:30",
            };
            await using var publisher = await ServiceHost.StartAsync(Probes.Service("publisher"), settings);
            await using var consumer = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), settings);
            var received = await WarmUpAsync(publisher, consumer);

            var latencies = new List<TimeSpan>();
            for (var i = 0; i < Events; i++)
            {
                var clock = Stopwatch.StartNew();
                await Probes.PublishAsync(publisher, 1, $"L{i}-");
                await Eventually.WaitForAsync(() => received.Count == i + 2, $"event {i}", TimeSpan.FromSeconds(60));
                latencies.Add(clock.Elapsed);
            }

            latencies.Sort();
            output.WriteLine($"publish-to-handled over {Events} events with PollInterval 30 s (without pub/sub: {asAclUserWithoutPubSub}): median {latencies[Events / 2].TotalMilliseconds:F1} ms, max {latencies[^1].TotalMilliseconds:F1} ms");
            // The wait polls every 50 ms, so the figures include up to 50 ms of the test's own polling.
            // Generous for a loaded 2-core CI machine, and still a tenth of the poll interval.
            Assert.True(latencies[^1] < TimeSpan.FromSeconds(3), $"slowest delivery took {latencies[^1]}");
            // A failed wake-up appends nothing again (counted by the stream itself: trimming shortens it).
            var stream = (await Redis.ExecuteAsync("XINFO", "STREAM", Keys.Stream)).ToDictionary();
            Assert.Equal(Events + 1, (long)stream["entries-added"]);
        }
        finally
        {
            await Redis.ExecuteAsync("ACL", "DELUSER", user);
        }
    }

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
        var received = await WarmUpAsync(publisher, consumer);
        await Eventually.WaitForAsync(() => CaughtUpAsync("consumer-a"), caughtUp => caughtUp, "the first event acknowledged", TimeSpan.FromSeconds(60));

        var before = await RedisCommandStats.CallsAsync(Redis, "xreadgroup");
        for (var i = 0; i < Events; i++)
        {
            await Probes.PublishAsync(publisher, 1, $"R{i}-");
            await Eventually.WaitForAsync(() => received.Count == i + 2, $"event {i}", TimeSpan.FromSeconds(60));
        }

        await Eventually.WaitForAsync(() => CaughtUpAsync("consumer-a"), caughtUp => caughtUp, "every event acknowledged", TimeSpan.FromSeconds(60));
        var calls = await RedisCommandStats.CallsAsync(Redis, "xreadgroup") - before;
        output.WriteLine($"{calls} XREADGROUP calls for {Events} events, one at a time");
        // One blocking read returns each event and the next one starts; reading the replica's own pending entries
        // every round as well took two per event.
        Assert.InRange(calls, Events, Events + 3);
    }

    [Fact]
    public async Task The_relay_reads_the_redis_run_id_once_per_check_not_once_per_event()
    {
        // The run id is read by a script calling INFO; the only other INFO is this count's own.
        var calls = await CountWhilePublishingOneAtATimeAsync("I", _ => RedisCommandStats.CallsAsync(Redis, "info"));
        output.WriteLine($"{calls} INFO calls for {Events} events published one at a time, the count's own included");
        Assert.InRange(calls, 1, 3);
    }

    /// <summary>
    /// The wake-up goes in the append's own script: one round trip per event from the publishing service's client, where
    /// a separate PUBLISH after the mark took two.
    /// </summary>
    [Fact]
    public async Task The_relay_appends_and_wakes_the_subscribers_in_one_round_trip()
    {
        var operations = await CountWhilePublishingOneAtATimeAsync(
            "W", publisher => Task.FromResult(publisher.Services.GetRequiredService<IConnectionMultiplexer>().GetCounters().Interactive.OperationCount));
        output.WriteLine($"{operations} operations of the publisher's Redis client for {Events} events published one at a time");
        // A health check's PING may fall into the window.
        Assert.InRange(operations, Events, Events + 3);
    }

    /// <summary>
    /// How much <paramref name="count"/> grows while <see cref="Events"/> events are published one at a time, each
    /// handled before the next; no blocking read times out, and no relay check or trimming falls into the window.
    /// </summary>
    private async Task<long> CountWhilePublishingOneAtATimeAsync(string label, Func<ServiceHost, Task<long>> count)
    {
        var settings = new Dictionary<string, string?>(Probes.Settings(RedisConfiguration, Prefix))
        {
            ["Messaging:PollInterval"] = "00:01:00",
            ["Messaging:RelayInterval"] = "00:01:00",
            ["Messaging:TrimInterval"] = "00:10:00",
        };
        await using var publisher = await ServiceHost.StartAsync(Probes.Service("publisher"), settings);
        await using var consumer = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), settings);
        var received = await WarmUpAsync(publisher, consumer);

        var before = await count(publisher);
        for (var i = 0; i < Events; i++)
        {
            await Probes.PublishAsync(publisher, 1, $"{label}{i}-");
            await Eventually.WaitForAsync(() => received.Count == i + 2, $"event {i}", TimeSpan.FromSeconds(60));
        }

        return await count(publisher) - before;
    }

    /// <summary>One event through, so the measured ones find both services started and the consumer's group made.</summary>
    private static async Task<Received> WarmUpAsync(ServiceHost publisher, ServiceHost consumer)
    {
        var received = consumer.Services.GetRequiredService<Received>();
        await Probes.PublishAsync(publisher, 1, "WARM");
        await Eventually.WaitForAsync(() => received.Count == 1, "the first event", TimeSpan.FromSeconds(60));
        return received;
    }
}
