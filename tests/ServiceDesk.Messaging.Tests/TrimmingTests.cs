using Microsoft.Extensions.Options;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.Authenticity;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Testing;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace ServiceDesk.Messaging.Tests;

[Collection(RedisCollection.Name)]
public sealed class TrimmingTests(RedisFixture redis, ITestOutputHelper output) : ProbeStreamTests(redis)
{
    [Fact]
    public async Task Trimming_while_groups_read_and_acknowledge_never_fails_and_never_drops_an_unacknowledged_entry()
    {
        const int entries = 400;
        var streams = new EventStreams(Admin, Probes.Catalog, TestEventKeys.AuthenticatorOf("publisher", Probes.Catalog), Options.Create(new MessagingOptions { KeyPrefix = Prefix }));
        foreach (var group in new[] { "consumer-a", "consumer-b" })
        {
            await streams.EnsureGroupAsync(Keys, group);
        }

        for (var i = 0; i < entries; i++)
        {
            await Redis.StreamAddAsync(Keys.Stream, "n", i);
        }

        // Each group takes one entry at a time and acknowledges it at once, so a group's pending list keeps
        // flipping between one entry and none: the window between reading group info and pending summary.
        var lost = 0;
        async Task ConsumeAsync(string group)
        {
            while (true)
            {
                var read = await Redis.StreamReadGroupAsync(Keys.Stream, group, "c", StreamPosition.NewMessages, 1);
                if (read.Length == 0)
                {
                    return;
                }

                if ((await Redis.StreamRangeAsync(Keys.Stream, read[0].Id, read[0].Id)).Length == 0)
                {
                    Interlocked.Increment(ref lost);
                }

                await Redis.StreamAcknowledgeAsync(Keys.Stream, group, read[0].Id);
            }
        }

        var consumers = Task.WhenAll(ConsumeAsync("consumer-a"), ConsumeAsync("consumer-b"));
        long trims = 0, trimmed = 0;
        while (!consumers.IsCompleted)
        {
            trimmed += await streams.TrimAcknowledgedAsync("probe");
            trims++;
        }

        await consumers;
        trimmed += await streams.TrimAcknowledgedAsync("probe");
        output.WriteLine($"{trims} trims concurrent with acknowledgements removed {trimmed} of {entries} entries");
        Assert.Equal(0, lost);
        Assert.Equal(entries, trimmed);
        Assert.Equal(0, await Redis.StreamLengthAsync(Keys.Stream));
    }

    [Fact]
    public async Task The_stream_of_a_family_no_group_reads_keeps_only_about_its_latest_entries()
    {
        const int sent = 500, bound = 100;
        var unsubscribed = new EventCatalog([new EventFamily("probe", [ProjectCreated.Descriptor], Publishers: ["publisher"], Subscribers: [])]);
        await using var publisher = await ServiceHost.StartAsync(
            Probes.Service("publisher", catalog: unsubscribed),
            new Dictionary<string, string?>(Probes.Settings(RedisConfiguration, Prefix)) { ["Messaging:UnsubscribedMaxLength"] = $"{bound}" });

        await Probes.PublishAsync(publisher, sent);

        await Eventually.WaitForAsync(EntriesAddedAsync, added => added == sent, "every event appended");
        var length = await Redis.StreamLengthAsync(Keys.Stream);
        output.WriteLine($"{sent} appended to a stream no group reads, bounded at ~{bound}: {length} kept");
        // MAXLEN ~ drops whole nodes of 100 entries (stream-node-max-entries), so about the bound stays.
        Assert.InRange(length, bound, 3 * bound);
    }

    [Fact]
    public async Task A_dead_letter_stream_keeps_only_about_its_latest_entries()
    {
        const int forged = 500, bound = 100;
        await using var consumer = await ServiceHost.StartAsync(
            Probes.Consumer("consumer-a"),
            new Dictionary<string, string?>(Probes.Settings(RedisConfiguration, Prefix)) { ["Messaging:DeadLetterMaxLength"] = $"{bound}" });

        // Unsigned entries: each is dead-lettered on its first read.
        var batch = Redis.CreateBatch();
        var appended = Enumerable.Range(0, forged).Select(i => batch.StreamAddAsync(Keys.Stream, [new(EventStreams.EventIdField, $"forged-{i}"), new(EventStreams.EventTypeField, "x")])).ToList();
        batch.Execute();
        var lastId = (await Task.WhenAll(appended))[^1].ToString();

        await Eventually.WaitForAsync(
            () => Redis.StreamRangeAsync(Keys.DeadLetters("consumer-a"), "-", "+", 1, Order.Descending),
            last => last is [var entry] && entry[DeadLetters.EntryIdField] == lastId,
            "every entry dead-lettered",
            TimeSpan.FromSeconds(60));
        var length = await Redis.StreamLengthAsync(Keys.DeadLetters("consumer-a"));
        output.WriteLine($"{forged} dead-lettered, bounded at ~{bound}: {length} kept");
        Assert.InRange(length, bound, 3 * bound);
    }

    private async Task<long> EntriesAddedAsync() =>
        await Redis.KeyExistsAsync(Keys.Stream) ? (long)(await Redis.ExecuteAsync("XINFO", "STREAM", Keys.Stream)).ToDictionary()["entries-added"] : 0;
}
