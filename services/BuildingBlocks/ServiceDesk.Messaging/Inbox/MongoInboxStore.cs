using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Storage.MongoDb;

namespace ServiceDesk.Messaging.Inbox;

public sealed class MongoInboxStore(IMongoDatabase database, TimeProvider time) : IInboxStore, IMongoStore
{
    private const string CollectionName = "inbox";

    private readonly IMongoCollection<InboxDocument> _inbox = database.GetCollection<InboxDocument>(CollectionName);

    public static IReadOnlyList<MongoIndex> Indexes { get; } = [new(CollectionName, MongoIndex.KeysOf.Ascending(nameof(InboxDocument.HandledAt)))];

    /// <summary>
    /// Records <paramref name="handled"/> as handled in the caller's transaction (<paramref name="session"/>), so
    /// the handler's state change and the record commit together: a crash before the acknowledgement then skips the
    /// event instead of applying it again. When another delivery of the event recorded it first this throws
    /// <see cref="EventAlreadyHandledException"/> (the transaction is aborted; let it propagate: the dispatcher acknowledges).
    /// </summary>
    public static async Task RecordHandledAsync(
        IMongoDatabase database, IClientSessionHandle session, EventContext handled, DateTimeOffset handledAt, CancellationToken cancellationToken)
    {
        try
        {
            await database.GetCollection<InboxDocument>(CollectionName).InsertOneAsync(
                session, new InboxDocument { EventId = handled.EventId, Family = handled.Family, HandledAt = handledAt.UtcDateTime }, cancellationToken: cancellationToken);
            handled.RecordedByHandler = true;
        }
        catch (MongoWriteException exception) when (exception.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            throw new EventAlreadyHandledException(handled.EventId);
        }
    }

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
            // Already recorded by an earlier delivery, or by the handler with its state change.
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
