using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Testing;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace ServiceDesk.Messaging.Tests;

[Collection(RedisCollection.Name)]
public sealed class DeliveryTests(RedisFixture redis, ITestOutputHelper output) : ProbeStreamTests(redis)
{
    [Fact]
    public async Task A_subscriber_that_was_stopped_while_events_were_published_receives_all_of_them_once_after_it_starts()
    {
        const int sent = 50;
        await using (var publisher = await ServiceHost.StartAsync(Probes.Service("publisher"), Probes.Settings(RedisConfiguration, Prefix)))
        {
            await Probes.PublishAsync(publisher, sent);
            await Eventually.WaitForAsync(() => Redis.StreamLengthAsync(Keys.Stream), n => n == sent, "the relay to append every event");
        }

        await using var consumer = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), Probes.Settings(RedisConfiguration, Prefix));
        var received = consumer.Services.GetRequiredService<Received>();
        await Eventually.WaitForAsync(() => received.Count == sent, "the late subscriber to receive everything");

        output.WriteLine($"sent {sent}, received {received.Count} distinct, {received.TimesHandled.Values.Sum()} handler runs");
        Assert.All(received.TimesHandled.Values, times => Assert.Equal(1, times));
        Assert.Equal(Enumerable.Range(0, sent).Select(i => $"P{i}"), received.ProjectKeys);
    }

    [Fact]
    public async Task Every_round_of_appends_is_announced_on_its_familys_channel_with_its_last_entry_id()
    {
        const int sent = 10;
        var wakeUps = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var channel = await Admin.GetSubscriber().SubscribeAsync(Keys.Channel);
        channel.OnMessage(message => wakeUps.Enqueue(message.Message.ToString()));
        await using var publisher = await ServiceHost.StartAsync(Probes.Service("publisher"), Probes.Settings(RedisConfiguration, Prefix));

        await Probes.PublishAsync(publisher, sent);

        await Eventually.WaitForAsync(() => Redis.StreamLengthAsync(Keys.Stream), n => n == sent, "the relay to append every event");
        var entries = (await Redis.StreamRangeAsync(Keys.Stream)).Select(e => e.Id.ToString()).ToList();
        await Eventually.WaitForAsync(() => wakeUps.LastOrDefault() == entries[^1], "the last entry to be announced");
        // At most one wake-up per event, each naming an appended entry, in append order.
        Assert.InRange(wakeUps.Count, 1, sent);
        Assert.Equal(wakeUps, entries.Where(wakeUps.Contains));
        await channel.UnsubscribeAsync();
    }

    [Fact]
    public async Task A_subscriber_whose_pubsub_connection_is_cut_still_receives_every_event_from_the_stream()
    {
        const int bursts = 5, perBurst = 10;
        await using var publisher = await ServiceHost.StartAsync(Probes.Service("publisher"), Probes.Settings(RedisConfiguration, Prefix));
        await using var consumer = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), Probes.Settings(RedisConfiguration, Prefix));
        var received = consumer.Services.GetRequiredService<Received>();
        var server = Admin.GetServer(Admin.GetEndPoints()[0]);

        long killed = 0;
        for (var burst = 0; burst < bursts; burst++)
        {
            killed += await server.ClientKillAsync(clientType: ClientType.PubSub);
            await Probes.PublishAsync(publisher, perBurst, $"B{burst}-");
        }

        await Eventually.WaitForAsync(() => received.Count == bursts * perBurst, "every event despite the cut subscriptions");
        output.WriteLine($"sent {bursts * perBurst}, received {received.Count}; pub/sub connections killed: {killed}");
        Assert.True(killed > 0, "no pub/sub connection was cut; the test proved nothing");
        Assert.All(received.TimesHandled.Values, times => Assert.Equal(1, times));
    }

    [Fact]
    public async Task Two_replicas_of_one_service_handle_each_event_exactly_once_between_them()
    {
        const int sent = 120;
        var dataDirectory = TestDirectory.Create("replicas");
        Dictionary<string, string?> Replica(string instance) => new(Probes.Settings(RedisConfiguration, Prefix, instance))
        {
            ["Storage:LiteDbConnection"] = "Shared",
            ["Messaging:BatchSize"] = "5",
        };

        await using var publisher = await ServiceHost.StartAsync(Probes.Service("publisher"), Probes.Settings(RedisConfiguration, Prefix));
        await using var first = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), Replica("a-1"), dataDirectory);
        await using var second = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), Replica("a-2"), dataDirectory);
        var (one, two) = (first.Services.GetRequiredService<Received>(), second.Services.GetRequiredService<Received>());

        await Probes.PublishAsync(publisher, sent);
        await Eventually.WaitForAsync(() => one.Count + two.Count >= sent, "both replicas together to handle every event");

        output.WriteLine($"sent {sent}, replica a-1 handled {one.Count}, replica a-2 handled {two.Count}");
        var all = one.TimesHandled.Concat(two.TimesHandled).GroupBy(p => p.Key).ToList();
        Assert.Equal(sent, all.Count);
        Assert.All(all, g => Assert.Equal(1, g.Sum(p => p.Value)));
    }

    [Fact]
    public async Task A_repeated_event_id_is_handled_once()
    {
        await using var publisher = await ServiceHost.StartAsync(Probes.Service("publisher"), Probes.Settings(RedisConfiguration, Prefix));
        await using var consumer = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), Probes.Settings(RedisConfiguration, Prefix));
        var received = consumer.Services.GetRequiredService<Received>();

        await Probes.PublishAsync(publisher, 1);
        await Eventually.WaitForAsync(() => received.Count == 1, "the first delivery");
        // What a relay that died between the append and the outbox update does on restart: append it again.
        var original = (await Redis.StreamRangeAsync(Keys.Stream, "-", "+"))[0];
        await Redis.StreamAddAsync(Keys.Stream, original.Values);
        await Probes.PublishAsync(publisher, 1, "AFTER");
        await Eventually.WaitForAsync(() => received.Count == 2, "the event after the repeat");

        output.WriteLine($"stream entries 3 (one a repeat), handled {received.TimesHandled.Values.Sum()}");
        Assert.All(received.TimesHandled.Values, times => Assert.Equal(1, times));
        Assert.Equal(["P0", "AFTER0"], received.ProjectKeys);
    }

    [Fact]
    public async Task Entries_left_pending_by_a_crashed_replica_are_claimed_by_another()
    {
        const int sent = 5;
        await using var publisher = await ServiceHost.StartAsync(Probes.Service("publisher"), Probes.Settings(RedisConfiguration, Prefix));
        var crashing = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), Probes.Settings(RedisConfiguration, Prefix, "a-crashing"));
        crashing.Services.GetRequiredService<FailureSwitch>().Block = new TaskCompletionSource();

        await Probes.PublishAsync(publisher, sent);
        await Eventually.WaitForAsync(
            () => PendingAsync("consumer-a"), n => n > 0, "the first replica to take entries");
        await crashing.DisposeAsync();

        await using var survivor = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), Probes.Settings(RedisConfiguration, Prefix, "a-survivor"));
        var received = survivor.Services.GetRequiredService<Received>();
        await Eventually.WaitForAsync(() => received.Count == sent, "the survivor to claim and handle the abandoned entries");

        output.WriteLine($"sent {sent}, the crashed replica acknowledged none, the survivor handled {received.Count}");
        // An entry is acknowledged just after its handler returns: under load the last one's XACK may still be on its way.
        await Eventually.WaitForAsync(() => PendingAsync("consumer-a"), n => n == 0, "the survivor to acknowledge every claimed entry");
    }

    [Fact]
    public async Task Streams_are_trimmed_only_once_every_group_has_acknowledged()
    {
        const int sent = 20;
        await using var publisher = await ServiceHost.StartAsync(Probes.Service("publisher"), Probes.Settings(RedisConfiguration, Prefix));
        await using var a = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), Probes.Settings(RedisConfiguration, Prefix));
        await Probes.PublishAsync(publisher, sent);
        await Eventually.WaitForAsync(() => a.Services.GetRequiredService<Received>().Count == sent, "group a to handle everything");

        // Group b has not run yet: trimming now must keep every entry it has not acknowledged.
        var trimmed = await a.Services.GetRequiredService<EventStreams>().TrimAcknowledgedAsync("probe");
        Assert.Equal(0, trimmed);
        Assert.Equal(0, (await Redis.StreamPendingAsync(Keys.Stream, "consumer-a")).PendingMessageCount);
        Assert.Equal(sent, await Redis.StreamLengthAsync(Keys.Stream));

        await using var b = await ServiceHost.StartAsync(Probes.Consumer("consumer-b"), Probes.Settings(RedisConfiguration, Prefix));
        await Eventually.WaitForAsync(() => b.Services.GetRequiredService<Received>().Count == sent, "group b to handle everything");
        await Eventually.WaitForAsync(() => Redis.StreamLengthAsync(Keys.Stream), n => n == 0, "the stream to be trimmed once both groups acknowledged");
        output.WriteLine($"sent {sent}; each group handled {sent}; stream length after both acknowledged: 0");
    }

    [Fact]
    public async Task Events_carry_the_publishing_service_and_a_unique_id()
    {
        await using var publisher = await ServiceHost.StartAsync(Probes.Service("publisher"), Probes.Settings(RedisConfiguration, Prefix));
        var ids = await Probes.PublishAsync(publisher, 3);
        await Eventually.WaitForAsync(() => Redis.StreamLengthAsync(Keys.Stream), n => n == 3, "three entries");

        var entries = await Redis.StreamRangeAsync(Keys.Stream, "-", "+");
        var envelopes = entries.Select(e => EventEnvelope.Parser.ParseFrom((byte[])e[EventStreams.EnvelopeField]!)).ToList();
        Assert.Equal(ids, envelopes.Select(e => e.EventId));
        Assert.All(envelopes, e => Assert.Equal("publisher", e.Source));
        Assert.All(envelopes, e => Assert.True(e.Payload.Is(ProjectCreated.Descriptor)));
    }
}
