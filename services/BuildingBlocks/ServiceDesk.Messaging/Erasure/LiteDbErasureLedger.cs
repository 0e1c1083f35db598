using LiteDB;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Inbox;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Storage.LiteDb;

namespace ServiceDesk.Messaging.Erasure;

public sealed class LiteDbErasureLedger : IErasureLedger
{
    private static readonly ParsedExpression ByCustomerId = new("CustomerId = @0");
    private static readonly ParsedExpression ByAddressHash = new("AddressHash = @0");
    private static readonly ParsedExpression ByFormerAddressHash = new("$.FormerAddressHashes[*] ANY = @0");

    private readonly LiteDatabase _database;
    private readonly LiteDbOutboxStore _outbox;
    private readonly ILiteCollection<LedgerDocument> _ledger;
    private readonly ILiteCollection<BsonDocument> _reinstated;

    public LiteDbErasureLedger(LiteDatabase database, LiteDbOutboxStore outbox)
    {
        _database = database;
        _outbox = outbox;
        _ledger = database.GetMappedCollection<LedgerDocument>("erasure_ledger");
        _ledger.EnsureIndex(d => d.CustomerId);
        _ledger.EnsureIndex(d => d.AddressHash);
        _ledger.EnsureIndex("former_address_hashes", "$.FormerAddressHashes[*]");
        _reinstated = database.GetCreatedCollection("erasure_reinstatements");
    }

    public Task<ErasureRecord?> FindAsync(string requestId, CancellationToken cancellationToken) =>
        Task.FromResult(_ledger.FindOneById(requestId)?.ToRecord());

    public Task<ErasureRecord> StartAsync(ErasureRecord started, CancellationToken cancellationToken)
    {
        try
        {
            _ledger.Insert(LedgerDocument.From(started));
            return Task.FromResult(started);
        }
        catch (LiteException exception) when (exception.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            // The duplicate key says the request is there.
            return Task.FromResult(_ledger.FindOneById(started.RequestId)!.ToRecord());
        }
    }

    public Task RecordPlannedAsync(string requestId, IReadOnlyDictionary<string, long> planned, CancellationToken cancellationToken)
    {
        _database.InTransaction(() =>
        {
            // Locked before the read: a completion committed between it and the update would be overwritten.
            _ledger.LockForWrite();
            var document = _ledger.FindOneById(requestId) ?? throw new InvalidOperationException($"Erasure request {requestId} was never started here.");
            if (document.State != ErasureState.Completed)
            {
                document.Counts = ErasureCounts.Max(document.Counts, planned);
                _ledger.Update(document);
            }
        });
        return Task.CompletedTask;
    }

    public Task<ErasureRecord> CompleteAsync(
        string requestId,
        IReadOnlyDictionary<string, long> counts,
        DateTimeOffset completedAt,
        Func<ErasureRecord, OutgoingEvent> receipt,
        EventContext? handled,
        CancellationToken cancellationToken)
    {
        _database.BeginTrans();
        try
        {
            if (handled is not null)
            {
                LiteDbInboxStore.RecordHandled(_database, handled, completedAt);
            }

            _ledger.LockForWrite();
            var document = _ledger.FindOneById(requestId) ?? throw new InvalidOperationException($"Erasure request {requestId} was never started here.");
            if (document.State != ErasureState.Completed)
            {
                document.State = ErasureState.Completed;
                document.Counts = ErasureCounts.Max(document.Counts, counts);
                document.CompletedAt = completedAt.UtcDateTime;
                _ledger.Update(document);
            }

            var record = document.ToRecord();
            _outbox.Enqueue([receipt(record)]);
            _database.Commit();
            return Task.FromResult(record);
        }
        catch
        {
            _database.Rollback();
            throw;
        }
    }

    public Task<bool> IsCustomerErasedAsync(string customerId, CancellationToken cancellationToken) => Task.FromResult(IsCustomerErased(customerId));

    /// <summary>
    /// <see cref="IsCustomerErasedAsync"/> in the calling thread's transaction, if any: a store of the same database
    /// checks a write against the ledger before it commits.
    /// </summary>
    public bool IsCustomerErased(string customerId) => _ledger.AnyMatches(ByCustomerId.With(customerId));

    public Task<bool> IsAddressErasedAsync(string addressHash, CancellationToken cancellationToken) => Task.FromResult(IsAddressErased(addressHash));

    /// <summary><see cref="IsAddressErasedAsync"/> in the calling thread's transaction, if any (<see cref="IsCustomerErased"/>).</summary>
    public bool IsAddressErased(string addressHash)
    {
        // Read whole, not lazily: the parsed expressions are the thread's, and the next one reuses its parameters.
        var requests = _ledger.Find(ByAddressHash.With(addressHash)).Select(document => document.RequestId).ToList();
        requests.AddRange(_ledger.Find(ByFormerAddressHash.With(addressHash)).Select(document => document.RequestId));
        return requests.Any(requestId => _reinstated.FindOneById(requestId) is null);
    }

    public Task RecordReinstatedAsync(string requestId, DateTimeOffset reinstatedAt, CancellationToken cancellationToken)
    {
        _reinstated.Upsert(new BsonDocument { ["_id"] = requestId, ["ReinstatedAt"] = reinstatedAt.UtcDateTime });
        return Task.CompletedTask;
    }

    private sealed class LedgerDocument
    {
        [BsonId]
        public string RequestId { get; set; } = string.Empty;

        public string CustomerId { get; set; } = string.Empty;

        public string AddressHash { get; set; } = string.Empty;

        public List<string> FormerAddressHashes { get; set; } = [];

        public ErasureMode Mode { get; set; }

        public ErasureState State { get; set; }

        public Dictionary<string, long> Counts { get; set; } = [];

        public DateTime ReceivedAt { get; set; }

        public DateTime? CompletedAt { get; set; }

        public static LedgerDocument From(ErasureRecord record) => new()
        {
            RequestId = record.RequestId,
            CustomerId = record.CustomerId,
            AddressHash = record.AddressHash,
            FormerAddressHashes = [.. record.FormerAddressHashes],
            Mode = record.Mode,
            State = record.State,
            Counts = new Dictionary<string, long>(record.Counts),
            ReceivedAt = record.ReceivedAt.UtcDateTime,
            CompletedAt = record.CompletedAt?.UtcDateTime,
        };

        public ErasureRecord ToRecord() => new(
            RequestId, CustomerId, AddressHash, Mode, State, Counts,
            new DateTimeOffset(ReceivedAt, TimeSpan.Zero), CompletedAt is { } completed ? new DateTimeOffset(completed, TimeSpan.Zero) : null)
        {
            FormerAddressHashes = FormerAddressHashes,
        };
    }
}
