using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Testing;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace ServiceDesk.Messaging.Tests;

[Collection(RedisCollection.Name)]
public sealed class FairnessTests(RedisFixture redis, ITestOutputHelper output) : ProbeStreamTests(redis)
{
    private const int Backlog = 600;

    [Fact]
    public async Task A_busy_stream_holds_off_neither_a_retry_falling_due_nor_the_claim_of_a_crashed_replicas_entry()
    {
        await using var publisher = await ServiceHost.StartAsync(Probes.Service("publisher"), Probes.Settings(RedisConfiguration, Prefix));
        var consumerSettings = Probes.Settings(RedisConfiguration, Prefix);
        consumerSettings["Messaging:BatchSize"] = "10";
        await using var consumer = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), consumerSettings);
        var received = consumer.Services.GetRequiredService<Received>();
        var failures = consumer.Services.GetRequiredService<FailureSwitch>();
        failures.HandlingMilliseconds = 10;
        failures.FailOnceKeys["RETRY0"] = true;

        // About 6 s of work in full batches of 10, the first entry failing once: its retry falls due after 250 ms.
        await publisher.Services.GetRequiredService<Publishing.IntegrationEvents>().PublishAsync(
            [new ProjectCreated { ProjectKey = "RETRY0" }, .. Enumerable.Range(0, Backlog).Select(i => new ProjectCreated { ProjectKey = $"B{i}" })],
            CancellationToken.None);
        await Eventually.WaitForAsync(() => received.Count >= 20, "the backlog to be under way");
        // A replica takes one entry and crashes: claimable 2 s (ClaimAfter) later, while the backlog is still long.
        var crashed = (await Redis.StreamReadGroupAsync(Keys.Stream, "consumer-a", "crashed-replica", StreamPosition.NewMessages, 1)).Single();
        var crashedKey = EventEnvelope.Parser.ParseFrom((byte[])crashed["envelope"]!).Payload.Unpack<ProjectCreated>().ProjectKey;

        await Eventually.WaitForAsync(() => received.Count == Backlog + 1, "every event", TimeSpan.FromSeconds(120));

        var order = received.ProjectKeys.ToList();
        var retriedAt = order.IndexOf("RETRY0");
        var claimedAt = order.IndexOf(crashedKey);
        output.WriteLine($"{Backlog + 1} events in batches of 10: the retry handled as number {retriedAt + 1}, the claimed entry as number {claimedAt + 1}");
        // Without fair rounds both wait for the whole backlog: they come last.
        Assert.InRange(retriedAt, 0, Backlog - 100);
        Assert.InRange(claimedAt, 0, Backlog - 100);
    }
}
