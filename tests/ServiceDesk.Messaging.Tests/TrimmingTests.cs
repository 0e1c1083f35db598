using Microsoft.Extensions.Options;
using ServiceDesk.Messaging.Authenticity;
using ServiceDesk.Messaging.Catalog;
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
        var streams = new EventStreams(Admin, Probes.Catalog, new EventAuthenticator(Convert.FromBase64String(ServiceHost.MessagingSigningKey), []), Options.Create(new MessagingOptions { KeyPrefix = Prefix }));
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
}
