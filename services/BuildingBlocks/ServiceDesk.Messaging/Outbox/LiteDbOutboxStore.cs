using LiteDB;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Storage.LiteDb;

namespace ServiceDesk.Messaging.Outbox;

public sealed class LiteDbOutboxStore : IOutboxStore
{
    /// <summary>
    /// An event's own id while it waits to be appended, null once appended: the key of the <c>pending</c> index, whose
    /// range reads the oldest pending events in order. Selecting on <c>RunId</c> and ordering by id made LiteDB sort
    /// them, and its sort allocates an 800 KB buffer per query (every relay round, in every service), each a
    /// large-object allocation that brings the next blocking full collection closer.
    /// </summary>
    private const string PendingKey = "IIF($.RunId = null, $._id, null)";

    // Parsed once: LiteDB parses an expression's text on every Create. Without parameters they hold no per-call state.
    private static readonly BsonExpression PendingOrder = BsonExpression.Create(PendingKey);
    private static readonly BsonExpression IsPending = BsonExpression.Create($"{PendingKey} > 0");
    private static readonly BsonExpression IdOrder = BsonExpression.Create("_id");

    private readonly LiteDatabase _database;
    private readonly ILiteCollection<OutboxDocument> _outbox;

    public LiteDbOutboxStore(LiteDatabase database)
    {
        _database = database;
        _outbox = database.GetMappedCollection<OutboxDocument>("outbox", BsonAutoId.Int64);
        _outbox.EnsureIndex(d => d.EventId, unique: true);
        _outbox.EnsureIndex(d => d.RunId);
        _outbox.EnsureIndex("pending", PendingOrder);
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
            [.. _outbox.Query().Where(IsPending).OrderBy(PendingOrder).Limit(limit).ToEnumerable().Select(d => d.ToEvent())]);

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

    /// <summary>
    /// In id order through the id index, each row tested on the way (appended under another run: a <c>RunId</c> that is
    /// not null and not <paramref name="runId"/>). Written so that no index matches the test: LiteDB would otherwise
    /// select through the <c>RunId</c> index and sort (see <see cref="PendingKey"/>).
    /// </summary>
    public Task<IReadOnlyList<OutgoingEvent>> ReadAppendedUnderOtherRunAsync(string runId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<OutgoingEvent>>(
            [.. _outbox.Query().Where(BsonExpression.Create("COALESCE($.RunId, @0) != @0", runId)).OrderBy(IdOrder).Limit(limit).ToEnumerable().Select(d => d.ToEvent())]);

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
