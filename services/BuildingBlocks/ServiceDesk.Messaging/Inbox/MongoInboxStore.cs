using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using ServiceDesk.Storage.MongoDb;

namespace ServiceDesk.Messaging.Inbox;

public sealed class MongoInboxStore(IMongoDatabase database, TimeProvider time) : IInboxStore, IMongoStore
{
    private const string CollectionName = "inbox";

    private readonly IMongoCollection<InboxDocument> _inbox = database.GetCollection<InboxDocument>(CollectionName);

    public static IReadOnlyList<MongoIndex> Indexes { get; } = [new(CollectionName, MongoIndex.KeysOf.Ascending(nameof(InboxDocument.HandledAt)))];

    public Task<bool> IsHandledAsync(string eventId, CancellationToken cancellationToken) =>
        _inbox.Find(d => d.EventId == eventId).AnyAsync(cancellationToken);

    public async Task MarkHandledAsync(string eventId, string family, CancellationToken cancellationToken)
    {
        try
        {
            await _inbox.InsertOneAsync(new InboxDocument { EventId = eventId, Family = family, HandledAt = time.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken);
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

    [BsonIgnoreExtraElements]
    private sealed class InboxDocument
    {
        [BsonId]
        public string EventId { get; set; } = string.Empty;

        public string Family { get; set; } = string.Empty;

        public DateTime HandledAt { get; set; }
    }
}
