using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;

namespace ServiceDesk.Messaging.Inbox;

public sealed class MongoInboxStore : IInboxStore
{
    private readonly IMongoCollection<InboxDocument> _inbox;
    private readonly TimeProvider _time;

    public MongoInboxStore(IMongoDatabase database, TimeProvider time)
    {
        _time = time;
        _inbox = database.GetCollection<InboxDocument>("inbox");
        _inbox.Indexes.CreateOne(new CreateIndexModel<InboxDocument>(Builders<InboxDocument>.IndexKeys.Ascending(d => d.HandledAt)));
    }

    public Task<bool> IsHandledAsync(string eventId, CancellationToken cancellationToken) =>
        _inbox.Find(d => d.EventId == eventId).AnyAsync(cancellationToken);

    public async Task MarkHandledAsync(string eventId, string family, CancellationToken cancellationToken)
    {
        try
        {
            await _inbox.InsertOneAsync(new InboxDocument { EventId = eventId, Family = family, HandledAt = _time.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken);
        }
        catch (MongoWriteException exception) when (exception.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            // Already recorded by an earlier delivery.
        }
    }

    public async Task<int> PruneAsync(DateTimeOffset handledBefore, CancellationToken cancellationToken)
    {
        var result = await _inbox.DeleteManyAsync(d => d.HandledAt < handledBefore.UtcDateTime, cancellationToken);
        return (int)result.DeletedCount;
    }

    private sealed class InboxDocument
    {
        [BsonId]
        public string EventId { get; set; } = string.Empty;

        public string Family { get; set; } = string.Empty;

        public DateTime HandledAt { get; set; }
    }
}
