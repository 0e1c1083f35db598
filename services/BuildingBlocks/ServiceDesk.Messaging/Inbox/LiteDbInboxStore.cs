using LiteDB;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Storage.LiteDb;

namespace ServiceDesk.Messaging.Inbox;

public sealed class LiteDbInboxStore : IInboxStore
{
    private const string CollectionName = "inbox";

    private readonly ILiteCollection<InboxDocument> _inbox;
    private readonly TimeProvider _time;

    public LiteDbInboxStore(LiteDatabase database, TimeProvider time)
    {
        _time = time;
        _inbox = database.GetMappedCollection<InboxDocument>(CollectionName);
        _inbox.EnsureIndex(d => d.HandledAt);
    }

    /// <summary>
    /// Records <paramref name="handled"/> as handled inside the caller's open LiteDB transaction (begun on this
    /// thread, nothing awaited until its commit), so the handler's state change and the record commit together: a
    /// crash before the acknowledgement then skips the event instead of applying it again. Call it before the
    /// state change. When another delivery of the event recorded it first this throws
    /// <see cref="EventAlreadyHandledException"/>: roll back, and let it propagate (the dispatcher acknowledges).
    /// </summary>
    public static void RecordHandled(LiteDatabase database, EventContext handled, DateTimeOffset handledAt)
    {
        try
        {
            database.GetCollection<InboxDocument>(CollectionName).Insert(
                new InboxDocument { Id = handled.EventId, Family = handled.Family, HandledAt = handledAt.UtcDateTime });
            handled.RecordedByHandler = true;
        }
        catch (LiteException exception) when (exception.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            throw new EventAlreadyHandledException(handled.EventId);
        }
    }

    /// <summary>Per event: a parsed expression with a parameter, not a lambda, which LiteDB translates every call.</summary>
    public Task<bool> IsHandledAsync(string eventId, CancellationToken cancellationToken) =>
        Task.FromResult(_inbox.AnyMatches(ParsedExpression.ById.With(eventId)));

    public Task MarkHandledAsync(string eventId, string family, CancellationToken cancellationToken)
    {
        try
        {
            _inbox.Insert(new InboxDocument { Id = eventId, Family = family, HandledAt = _time.GetUtcNow().UtcDateTime });
        }
        catch (LiteException exception) when (exception.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            // Already recorded by an earlier delivery, or by the handler with its state change.
        }

        return Task.CompletedTask;
    }

    public Task<int> PruneAsync(DateTimeOffset handledBefore, CancellationToken cancellationToken) =>
        Task.FromResult(_inbox.DeleteMany(d => d.HandledAt < handledBefore.UtcDateTime));

    private sealed class InboxDocument
    {
        public string Id { get; set; } = string.Empty;

        public string Family { get; set; } = string.Empty;

        public DateTime HandledAt { get; set; }
    }
}
