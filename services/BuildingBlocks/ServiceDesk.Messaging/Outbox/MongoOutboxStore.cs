using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using ServiceDesk.Messaging.Publishing;

namespace ServiceDesk.Messaging.Outbox;

public sealed class MongoOutboxStore : IOutboxStore
{
    private readonly IMongoCollection<OutboxDocument> _outbox;
    private readonly TimeProvider _time;

    public MongoOutboxStore(IMongoDatabase database, TimeProvider time)
    {
        _time = time;
        _outbox = database.GetCollection<OutboxDocument>("outbox");
        _outbox.Indexes.CreateOne(new CreateIndexModel<OutboxDocument>(Builders<OutboxDocument>.IndexKeys.Ascending(d => d.RecordedAt).Ascending(d => d.EventId)));
    }

    /// <summary>Records events in the caller's transaction, so they commit or abort with the state change that produced them.</summary>
    public Task EnqueueAsync(IClientSessionHandle session, IEnumerable<OutgoingEvent> events, CancellationToken cancellationToken) =>
        _outbox.InsertManyAsync(session, events.Select(ToDocument), cancellationToken: cancellationToken);

    public Task EnqueueAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken) =>
        _outbox.InsertManyAsync(events.Select(ToDocument), new InsertManyOptions { IsOrdered = true }, cancellationToken);

    public async Task<IReadOnlyList<OutgoingEvent>> ReadPendingAsync(int limit, CancellationToken cancellationToken)
    {
        var documents = await _outbox.Find(FilterDefinition<OutboxDocument>.Empty)
            .SortBy(d => d.RecordedAt).ThenBy(d => d.EventId)
            .Limit(limit)
            .ToListAsync(cancellationToken);
        return [.. documents.Select(d => new OutgoingEvent(d.EventId, d.Family, d.EventType, d.Envelope))];
    }

    public Task MarkPublishedAsync(string eventId, CancellationToken cancellationToken) =>
        _outbox.DeleteOneAsync(d => d.EventId == eventId, cancellationToken);

    private OutboxDocument ToDocument(OutgoingEvent e) =>
        new() { EventId = e.EventId, Family = e.Family, EventType = e.EventType, Envelope = e.Envelope, RecordedAt = _time.GetUtcNow().UtcDateTime };

    private sealed class OutboxDocument
    {
        [BsonId]
        public string EventId { get; set; } = string.Empty;

        public string Family { get; set; } = string.Empty;

        public string EventType { get; set; } = string.Empty;

        public byte[] Envelope { get; set; } = [];

        public DateTime RecordedAt { get; set; }
    }
}
