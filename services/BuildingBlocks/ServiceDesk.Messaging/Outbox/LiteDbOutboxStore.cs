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
    private static readonly BsonExpression RunIdKey = BsonExpression.Create("$.RunId");

    private readonly LiteDatabase _database;
    private readonly ILiteCollection<OutboxDocument> _outbox;

    public LiteDbOutboxStore(LiteDatabase database)
    {
        _database = database;
        _outbox = database.GetMappedCollection<OutboxDocument>("outbox", BsonAutoId.Int64);
        _outbox.EnsureIndex(d => d.EventId, unique: true);
        _outbox.EnsureIndex(d => d.RunId);
        _outbox.EnsureIndex("pending", PendingOrder);
        _outbox.EnsureIndex("appended_at", "$.AppendedAt");
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
    /// Through the <c>RunId</c> index on either side of <paramref name="runId"/>, from its keys alone (pending rows' key,
    /// null, sorts below every run id), then the rows of each other run found: the relay asks every few seconds, and
    /// under a steady run the rows it appended are not read.
    /// </summary>
    public Task<IReadOnlyList<OutgoingEvent>> ReadAppendedUnderOtherRunAsync(string runId, int limit, CancellationToken cancellationToken)
    {
        // Each range walks from its far end towards the current run and stops at its first row.
        var older = _outbox.Query().Where(BsonExpression.Create("$.RunId < @0", runId)).Select(RunIdKey);
        var newer = _outbox.Query().Where(BsonExpression.Create("$.RunId > @0", runId)).OrderByDescending(RunIdKey).Select(RunIdKey);
        var otherRuns = older.ToEnumerable().Concat(newer.ToEnumerable())
            .Select(document => document["RunId"])
            .Where(key => key.IsString)
            .Distinct()
            .ToList();
        return Task.FromResult<IReadOnlyList<OutgoingEvent>>(
            [.. otherRuns.SelectMany(run => _outbox.Find(BsonExpression.Create("$.RunId = @0", run))).OrderBy(d => d.Id).Take(limit).Select(d => d.ToEvent())]);
    }

    /// <summary>
    /// Through the <c>appended_at</c> index: only the rows past the window are read. The run is tested on each, written
    /// so that the <c>RunId</c> index, which would read every row of the run, does not match it.
    /// </summary>
    public Task<int> ForgetAppendedAsync(string runId, DateTimeOffset appendedBefore, CancellationToken cancellationToken) =>
        Task.FromResult(_outbox.DeleteMany(BsonExpression.Create(
            "$.AppendedAt BETWEEN @1 AND @2 AND COALESCE($.RunId, '') = @0", runId, DateTime.MinValue, appendedBefore.UtcDateTime.AddTicks(-1))));

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
