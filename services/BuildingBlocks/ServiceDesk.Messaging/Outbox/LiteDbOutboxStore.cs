using System.Globalization;
using LiteDB;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Storage.LiteDb;

namespace ServiceDesk.Messaging.Outbox;

public sealed class LiteDbOutboxStore : IOutboxStore
{
    private const string CollectionName = "outbox";

    /// <summary>
    /// The one index the relay reads through besides the event id: <see cref="OutboxDocument.Appended"/>, null while a
    /// row is pending, then <c>run/ticks</c>. Null sorts before every string, so the pending rows come first, then the
    /// appended ones by run and time: each of the relay's reads is a range of it and sorts nothing (LiteDB's sort
    /// allocates an 800 KB buffer per query). LiteDB links a key equal to keys already in an index after them, and a
    /// range that starts below every key walks the index's first level in order, so the pending rows come in the order
    /// they were recorded. One index instead of three (run, pending, append time): every index a row is in writes pages
    /// of its own to LiteDB's log when the row is recorded and again when it is marked, and a checkpoint copies them
    /// (bench/RESULTS.md, throughput "Thirteenth round"). A field's path, not an expression: LiteDB parses every index
    /// expression of a collection whenever an operation loads the collection, and the former position index's
    /// (<c>IIF($.Appended = null, $._id, $.Appended)</c>, dropped at open) took seven times as long to parse.
    /// </summary>
    private const string AppendedPath = "$.Appended";

    // Parsed once: LiteDB parses an expression's text on every Create. Its parameter is a constant.
    private static readonly BsonExpression IsPending = BsonExpression.Create($"{AppendedPath} < @0", string.Empty);

    private static readonly ParsedExpression MarkedAppended = new("{ EntryId: @0, Appended: @1 }");
    private static readonly ParsedExpression ByEventId = new("EventId = @0");

    private readonly LiteDatabase _database;
    private readonly ILiteCollection<OutboxDocument> _outbox;

    public LiteDbOutboxStore(LiteDatabase database)
    {
        _database = database;
        _outbox = database.GetMappedCollection<OutboxDocument>(CollectionName, BsonAutoId.Int64);
        MoveAppendsIntoOneField(database);
        _outbox.DropIndex("position");
        _outbox.EnsureIndex(d => d.EventId, unique: true);
        _outbox.EnsureIndex("appended", AppendedPath);
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
            [.. _outbox.Query().Where(IsPending).Limit(limit).ToEnumerable().Select(d => d.ToEvent())]);

    /// <summary>
    /// In one transaction: a commit costs more than the updates it holds. Parsed expressions with parameters, not
    /// lambdas: LiteDB translates a lambda anew on every call and compiles each value it captures.
    /// </summary>
    public Task MarkAppendedAsync(IReadOnlyList<AppendedEvent> appended, CancellationToken cancellationToken)
    {
        _database.InTransaction(() =>
        {
            foreach (var (eventId, append) in appended)
            {
                _outbox.UpdateMany(MarkedAppended.With(append.EntryId, OutboxDocument.AppendedKey(append.RunId, append.AppendedAt)), ByEventId.With(eventId));
            }
        });
        return Task.CompletedTask;
    }

    /// <summary>
    /// The two ranges of the appended index on either side of <paramref name="runId"/>'s rows (the pending rows' null
    /// sorts below every string): under a steady run both are empty, and the rows it keeps are not read.
    /// </summary>
    public Task<IReadOnlyList<OutgoingEvent>> ReadAppendedUnderOtherRunAsync(string runId, int limit, CancellationToken cancellationToken)
    {
        var (first, afterLast) = OutboxDocument.RunRange(runId);
        var older = _outbox.Find(BsonExpression.Create($"{AppendedPath} BETWEEN @0 AND @1", string.Empty, first));
        var newer = _outbox.Find(BsonExpression.Create($"{AppendedPath} >= @0", afterLast));
        return Task.FromResult<IReadOnlyList<OutgoingEvent>>([.. older.Concat(newer).OrderBy(d => d.Id).Take(limit).Select(d => d.ToEvent())]);
    }

    /// <summary>Through the appended index: only the rows of <paramref name="runId"/> appended before the cut-off are read.</summary>
    public Task<int> ForgetAppendedAsync(string runId, DateTimeOffset appendedBefore, CancellationToken cancellationToken)
    {
        var (first, _) = OutboxDocument.RunRange(runId);
        return Task.FromResult(_outbox.DeleteMany(BsonExpression.Create(
            $"{AppendedPath} BETWEEN @0 AND @1", first, OutboxDocument.AppendedKey(runId, appendedBefore.AddTicks(-1)))));
    }

    /// <summary>
    /// A file written before <see cref="OutboxDocument.Appended"/> kept an appended row's run and time in fields of their
    /// own, under indexes of their own (<c>RunId</c>, <c>pending</c>, <c>appended_at</c>): those indexes go, and the
    /// appended rows get their key, once, in one transaction. The rows are the window's (minutes of events).
    /// </summary>
    private static void MoveAppendsIntoOneField(LiteDatabase database)
    {
        string[] formerIndexes = ["RunId", "pending", "appended_at"];
        if (!database.GetCollection("$indexes").AnyMatches(BsonExpression.Create("collection = @0 AND name = @1", CollectionName, formerIndexes[0])))
        {
            return;
        }

        var rows = database.GetCollection(CollectionName, BsonAutoId.Int64);
        database.InTransaction(() =>
        {
            foreach (var index in formerIndexes)
            {
                rows.DropIndex(index);
            }

            foreach (var row in rows.Find(BsonExpression.Create("$.RunId != null")).ToList())
            {
                row["Appended"] = OutboxDocument.AppendedKey(row["RunId"].AsString, new DateTimeOffset(row["AppendedAt"].AsDateTime.ToUniversalTime()));
                row.Remove("RunId");
                row.Remove("AppendedAt");
                rows.Update(row);
            }
        });
    }

    private sealed class OutboxDocument
    {
        public long Id { get; set; }

        public string EventId { get; set; } = string.Empty;

        public string Family { get; set; } = string.Empty;

        public string EventType { get; set; } = string.Empty;

        public byte[] Envelope { get; set; } = [];

        /// <summary>Null until appended.</summary>
        public string? EntryId { get; set; }

        /// <summary>
        /// Null until appended; then <see cref="AppendedKey"/>: the Redis run the append was made under (a server's
        /// run id is 40 hex digits) and when, so that a run's rows sort together and by time.
        /// </summary>
        public string? Appended { get; set; }

        public static string AppendedKey(string runId, DateTimeOffset appendedAt) =>
            $"{runId}/{appendedAt.UtcTicks.ToString("D19", CultureInfo.InvariantCulture)}";

        /// <summary>
        /// The keys of <paramref name="runId"/>'s rows lie from <c>First</c> (inclusive) to <c>AfterLast</c> (exclusive):
        /// '0' follows '/', and no other run id starts with this one followed by '/'.
        /// </summary>
        public static (string First, string AfterLast) RunRange(string runId) => ($"{runId}/", $"{runId}0");

        public static OutboxDocument From(OutgoingEvent e) =>
            new() { EventId = e.EventId, Family = e.Family, EventType = e.EventType, Envelope = e.Envelope };

        public OutgoingEvent ToEvent() => new(EventId, Family, EventType, Envelope);
    }
}
