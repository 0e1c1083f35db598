using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Storage.MongoDb;

namespace ServiceDesk.Messaging.Outbox;

/// <summary>
/// The outbox in the service's MongoDB database. Each event gets the next number of a counter document that
/// the recording transaction increments: two transactions cannot both hold the counter, so numbers are
/// assigned in commit order and the relay publishes in that order (the application clock cannot promise it).
/// </summary>
public sealed class MongoOutboxStore(IMongoDatabase database) : IOutboxStore, IMongoStore
{
    private const string CollectionName = "outbox";
    private const string CounterId = "outbox";

    private readonly IMongoCollection<OutboxDocument> _outbox = database.GetCollection<OutboxDocument>(CollectionName);
    private readonly MongoCounter _counters = new(database.GetCollection<BsonDocument>("counters"), "Value");

    /// <summary>
    /// Besides the order, the relay's reads (pending, appended under another run, past the window) go by run first, so
    /// that none walks the rows the current run keeps for the window. A mark finds its row by event id: the row's <c>_id</c>.
    /// </summary>
    public static IReadOnlyList<MongoIndex> Indexes { get; } =
    [
        new(CollectionName, MongoIndex.KeysOf.Ascending(nameof(OutboxDocument.Sequence)), new CreateIndexOptions { Name = "sequence", Unique = true }),
        new(CollectionName, MongoIndex.KeysOf.Ascending(nameof(OutboxDocument.RunId)).Ascending(nameof(OutboxDocument.Sequence)), new CreateIndexOptions { Name = "run_sequence" }),
        new(CollectionName, MongoIndex.KeysOf.Ascending(nameof(OutboxDocument.RunId)).Ascending(nameof(OutboxDocument.AppendedAt)), new CreateIndexOptions { Name = "run_appended_at" }),
    ];

    /// <summary>
    /// Reads only what a majority of the replica set holds: an event of a transaction that a failover rolls back
    /// is never published.
    /// </summary>
    internal IMongoCollection<OutboxDocument> PendingReads { get; } = database.GetCollection<OutboxDocument>(CollectionName).WithReadConcern(ReadConcern.Majority);

    /// <summary>Records events in the caller's transaction, so they commit or abort with the state change that produced them.</summary>
    public async Task EnqueueAsync(IClientSessionHandle session, IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        var first = await _counters.AddAsync(session, CounterId, events.Count, cancellationToken) - events.Count + 1;
        await _outbox.InsertManyAsync(session, events.Select((e, i) => ToDocument(e, first + i)), cancellationToken: cancellationToken);
    }

    public async Task EnqueueAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        await database.Client.InTransactionAsync(
            async (session, token) =>
            {
                await EnqueueAsync(session, events, token);
                return true;
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<OutgoingEvent>> ReadPendingAsync(int limit, CancellationToken cancellationToken) =>
        ReadAsync(Builders<OutboxDocument>.Filter.Eq(d => d.RunId, null), limit, cancellationToken);

    public async Task MarkAppendedAsync(IReadOnlyList<AppendedEvent> appended, CancellationToken cancellationToken)
    {
        if (appended.Count == 0)
        {
            return;
        }

        await _outbox.BulkWriteAsync(
            appended.Select(each => new UpdateOneModel<OutboxDocument>(
                Builders<OutboxDocument>.Filter.Eq(d => d.EventId, each.EventId),
                Builders<OutboxDocument>.Update
                    .Set(d => d.EntryId, each.Append.EntryId)
                    .Set(d => d.RunId, each.Append.RunId)
                    .Set(d => d.AppendedAt, each.Append.AppendedAt.UtcDateTime))),
            new BulkWriteOptions { IsOrdered = false },
            cancellationToken);
    }

    public Task<IReadOnlyList<OutgoingEvent>> ReadAppendedUnderOtherRunAsync(string runId, int limit, CancellationToken cancellationToken) =>
        ReadAsync(Builders<OutboxDocument>.Filter.Ne(d => d.RunId, null) & Builders<OutboxDocument>.Filter.Ne(d => d.RunId, runId), limit, cancellationToken);

    public async Task<int> ForgetAppendedAsync(string runId, DateTimeOffset appendedBefore, CancellationToken cancellationToken)
    {
        var result = await _outbox.DeleteManyAsync(d => d.RunId == runId && d.AppendedAt < appendedBefore.UtcDateTime, cancellationToken);
        return (int)result.DeletedCount;
    }

    private async Task<IReadOnlyList<OutgoingEvent>> ReadAsync(FilterDefinition<OutboxDocument> filter, int limit, CancellationToken cancellationToken)
    {
        var documents = await PendingReads.Find(filter)
            .SortBy(d => d.Sequence)
            .Limit(limit)
            .ToListAsync(cancellationToken);
        return [.. documents.Select(d => new OutgoingEvent(d.EventId, d.Family, d.EventType, d.Envelope))];
    }

    private static OutboxDocument ToDocument(OutgoingEvent e, long sequence) =>
        new() { EventId = e.EventId, Family = e.Family, EventType = e.EventType, Envelope = e.Envelope, Sequence = sequence };

    [BsonIgnoreExtraElements]
    internal sealed class OutboxDocument
    {
        [BsonId]
        public string EventId { get; set; } = string.Empty;

        public string Family { get; set; } = string.Empty;

        public string EventType { get; set; } = string.Empty;

        public byte[] Envelope { get; set; } = [];

        public long Sequence { get; set; }

        /// <summary>Null until appended.</summary>
        public string? EntryId { get; set; }

        /// <summary>The Redis run the append was made under; null until appended.</summary>
        public string? RunId { get; set; }

        public DateTime? AppendedAt { get; set; }
    }
}
