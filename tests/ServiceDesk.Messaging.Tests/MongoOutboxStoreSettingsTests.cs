using System.Diagnostics;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
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
    public void Events_are_ordered_by_a_unique_sequence_and_marked_by_their_event_id_as_the_row_s_id()
    {
        Assert.All(MongoOutboxStore.Indexes, index => Assert.Equal("outbox", index.Collection));
        Assert.True(MongoOutboxStore.Indexes.Single(index => index.Options?.Name == "sequence").Options?.Unique);
        Assert.Equal("e1", Row().ToBsonDocument()["_id"].AsString);
    }

    /// <summary>
    /// MongoDB indexes a field a row lacks as null, so a unique index on a field no row has holds one row at most: the
    /// second event recorded would be refused (as it was with an index on the event id, which is stored as <c>_id</c>).
    /// </summary>
    [Fact]
    public void Every_index_names_fields_the_stored_rows_have()
    {
        var row = Row().ToBsonDocument();

        Assert.All(
            MongoOutboxStore.Indexes.SelectMany(index => Render(index.Keys).Names),
            field => Assert.True(row.Contains(field), $"{field} is no field of a stored row ({string.Join(", ", row.Names)})"));
    }

    /// <summary>A row with every field set, as the relay leaves it once appended.</summary>
    private static MongoOutboxStore.OutboxDocument Row() => new()
    {
        EventId = "e1",
        Family = "tickets",
        EventType = "TicketCreated",
        Envelope = [1],
        Sequence = 1,
        EntryId = "1-0",
        RunId = "run",
        AppendedAt = DateTime.UtcNow,
    };

    /// <summary>The relay's reads go by run first, so none walks the rows the current run keeps for the window.</summary>
    [Fact]
    public void The_relays_reads_have_indexes_led_by_the_run()
    {
        var keys = MongoOutboxStore.Indexes.ToDictionary(index => index.Options!.Name, index => Render(index.Keys));
        Assert.Equal(new BsonDocument { ["RunId"] = 1, ["Sequence"] = 1 }, keys["run_sequence"]);
        Assert.Equal(new BsonDocument { ["RunId"] = 1, ["AppendedAt"] = 1 }, keys["run_appended_at"]);
    }

    private static BsonDocument Render(IndexKeysDefinition<BsonDocument> keys) =>
        keys.Render(new RenderArgs<BsonDocument>(BsonDocumentSerializer.Instance, BsonSerializer.SerializerRegistry));
}
