using System.Diagnostics;
using MongoDB.Driver;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Storage.MongoDb;
using Xunit;

namespace ServiceDesk.Messaging.Tests;

/// <summary>What can be checked of the MongoDB outbox without a server (its contract suite needs MONGO_URL).</summary>
public sealed class MongoOutboxStoreSettingsTests
{
    /// <summary>Nothing listens on port 1: any operation would fail after the short server selection timeout.</summary>
    private static MongoOutboxStore Unreachable() =>
        new(new MongoClient(MongoDurability.ClientSettings("mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=2000")).GetDatabase("outbox-settings"));

    [Fact]
    public void The_relay_reads_pending_events_with_majority_read_concern() =>
        Assert.Equal(ReadConcern.Majority, Unreachable().PendingReads.Settings.ReadConcern);

    [Fact]
    public async Task Recording_no_events_sends_nothing_to_the_server()
    {
        var clock = Stopwatch.StartNew();

        await Unreachable().EnqueueAsync([], CancellationToken.None);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"took {clock.Elapsed}: it waited for a server");
    }

    [Fact]
    public void Events_are_ordered_by_a_unique_sequence()
    {
        var index = Assert.Single(MongoOutboxStore.Indexes);
        Assert.Equal("outbox", index.Collection);
        Assert.True(index.Options?.Unique);
    }
}
