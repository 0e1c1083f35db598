using LiteDB;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Storage.LiteDb;

namespace ServiceDesk.Messaging.Outbox;

public sealed class LiteDbOutboxStore : IOutboxStore
{
    private readonly LiteDatabase _database;
    private readonly ILiteCollection<OutboxDocument> _outbox;

    public LiteDbOutboxStore(LiteDatabase database)
    {
        _database = database;
        _outbox = database.GetMappedCollection<OutboxDocument>("outbox", BsonAutoId.Int64);
        _outbox.EnsureIndex(d => d.EventId, unique: true);
        _outbox.EnsureIndex(d => d.RunId);
    }

    /// <summary>
    /// Records events inside the caller's open LiteDB transaction (LiteDB transactions belong to the thread), so
    /// they commit or roll back with the state change that produced them.
    /// </summary>
    public void Enqueue(IEnumerable<OutgoingEvent> events) => _outbox.InsertBulk(events.Select(OutboxDocument.From));

    public Task EnqueueAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
    {
        _database.InTransaction(() => Enqueue(events));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<OutgoingEvent>> ReadPendingAsync(int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<OutgoingEvent>>(
            [.. _outbox.Query().Where(d => d.RunId == null).OrderBy(d => d.Id).Limit(limit).ToEnumerable().Select(d => d.ToEvent())]);

    /// <summary>
    /// In one transaction: a commit costs more than the updates it holds. Expressions with parameters, not lambdas:
    /// LiteDB translates a lambda anew on every call and compiles each value it captures.
    /// </summary>
    public Task MarkAppendedAsync(IReadOnlyList<AppendedEvent> appended, CancellationToken cancellationToken)
    {
        _database.InTransaction(() =>
        {
            foreach (var (eventId, append) in appended)
            {
                _outbox.UpdateMany(
                    BsonExpression.Create("{ EntryId: @0, RunId: @1, AppendedAt: @2 }", append.EntryId, append.RunId, append.AppendedAt.UtcDateTime),
                    BsonExpression.Create("EventId = @0", eventId));
            }
        });
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<OutgoingEvent>> ReadAppendedUnderOtherRunAsync(string runId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<OutgoingEvent>>(
            [.. _outbox.Query().Where(d => d.RunId != null && d.RunId != runId).OrderBy(d => d.Id).Limit(limit).ToEnumerable().Select(d => d.ToEvent())]);

    public Task<int> ForgetAppendedAsync(string runId, DateTimeOffset appendedBefore, CancellationToken cancellationToken) =>
        Task.FromResult(_outbox.DeleteMany(d => d.RunId == runId && d.AppendedAt < appendedBefore.UtcDateTime));

    private sealed class OutboxDocument
    {
        public long Id { get; set; }

        public string EventId { get; set; } = string.Empty;

        public string Family { get; set; } = string.Empty;

        public string EventType { get; set; } = string.Empty;

        public byte[] Envelope { get; set; } = [];

        /// <summary>Null until appended.</summary>
        public string? EntryId { get; set; }

        /// <summary>The Redis run the append was made under; null until appended.</summary>
        public string? RunId { get; set; }

        public DateTime? AppendedAt { get; set; }

        public static OutboxDocument From(OutgoingEvent e) =>
            new() { EventId = e.EventId, Family = e.Family, EventType = e.EventType, Envelope = e.Envelope };

        public OutgoingEvent ToEvent() => new(EventId, Family, EventType, Envelope);
    }
}
