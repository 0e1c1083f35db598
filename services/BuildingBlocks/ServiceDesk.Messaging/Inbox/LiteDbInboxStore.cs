using LiteDB;

namespace ServiceDesk.Messaging.Inbox;

public sealed class LiteDbInboxStore : IInboxStore
{
    private readonly ILiteCollection<InboxDocument> _inbox;
    private readonly TimeProvider _time;

    public LiteDbInboxStore(LiteDatabase database, TimeProvider time)
    {
        _time = time;
        _inbox = database.GetCollection<InboxDocument>("inbox");
        _inbox.EnsureIndex(d => d.HandledAt);
    }

    public Task<bool> IsHandledAsync(string eventId, CancellationToken cancellationToken) =>
        Task.FromResult(_inbox.Exists(d => d.Id == eventId));

    public Task MarkHandledAsync(string eventId, string family, CancellationToken cancellationToken)
    {
        try
        {
            _inbox.Insert(new InboxDocument { Id = eventId, Family = family, HandledAt = _time.GetUtcNow().UtcDateTime });
        }
        catch (LiteException exception) when (exception.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            // Already recorded by an earlier delivery.
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
