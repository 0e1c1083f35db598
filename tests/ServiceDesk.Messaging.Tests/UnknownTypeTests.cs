using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ServiceDesk.Messaging.Tests;

[Collection(RedisCollection.Name)]
public sealed class UnknownTypeTests(RedisFixture redis, ITestOutputHelper output) : ProbeStreamTests(redis)
{
    [Fact]
    public async Task An_event_type_an_older_replica_does_not_know_stays_pending_until_a_replica_that_knows_it_handles_it()
    {
        await using var publisher = await ServiceHost.StartAsync(Probes.Service("publisher", catalog: Probes.NewerCatalog), Probes.Settings(RedisConfiguration, Prefix));
        await using var older = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), Probes.Settings(RedisConfiguration, Prefix, "consumer-a-old"));

        var published = await publisher.Services.GetRequiredService<IntegrationEvents>()
            .PublishAsync(new TicketCreated { TicketId = "T1" }, CancellationToken.None);
        var eventId = published.Single().EventId;
        await Eventually.WaitForAsync(() => older.Logs.All.Contains(eventId, StringComparison.Ordinal), "the older replica to read the entry");
        await Eventually.WaitForAsync(
            () => Redis.StreamPendingMessagesAsync(Keys.Stream, "consumer-a", 10, StackExchange.Redis.RedisValue.Null),
            pending => pending is [{ ConsumerName: var consumer }] && consumer == "parked-unknown-type",
            "the entry to stay pending, parked where an operator sees it");

        await using var newer = await ServiceHost.StartAsync(
            Probes.Service("consumer-a", bus => bus.AddSubscription<ProjectCreated, RecordingHandler>().AddSubscription<TicketCreated, TicketRecordingHandler>(), Probes.NewerCatalog),
            Probes.Settings(RedisConfiguration, Prefix, "consumer-a-new"));
        var received = newer.Services.GetRequiredService<Received>();
        await Eventually.WaitForAsync(() => received.TimesHandled.ContainsKey(eventId), "the newer replica to claim and handle the entry", TimeSpan.FromSeconds(60));
        await Eventually.WaitForAsync(async () => (await Redis.StreamPendingAsync(Keys.Stream, "consumer-a")).PendingMessageCount, n => n == 0, "the entry to be acknowledged");

        output.WriteLine($"older replica left {eventId} pending; the newer one handled it {received.TimesHandled[eventId]} time(s)");
        Assert.Equal(1, received.TimesHandled[eventId]);
        Assert.Equal(0, await Redis.StreamLengthAsync(Keys.DeadLetters("consumer-a")));
    }
}
