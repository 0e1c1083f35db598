using LiteDB;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Directory.Customers;
using Customer = ServiceDesk.Directory.Customers.Customer;
using ServiceDesk.Directory.Keys;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Inbox;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Storage.LiteDb;
using ErasureCheckpoint = ServiceDesk.Messaging.Erasure.ErasureCheckpoint;

namespace ServiceDesk.Directory.Erasure;

/// <summary>
/// Requests ("erasures": the record as JSON, with the customer id, the status and an open request's due date
/// indexed), tombstones ("erased_addresses", keyed by address hash) and the evidence key in the service's LiteDB file.
/// LiteDB transactions belong to the thread: nothing between BeginTrans and Commit awaits.
/// </summary>
public sealed class LiteDbErasureStore : IErasureStore
{
    /// <summary>One signing key for the service; rotation would add a key beside it, not replace it.</summary>
    private const string EvidenceKeyId = "current";

    /// <summary>
    /// A status's requests newest first, as one index's keys: through the status index LiteDB would read every request
    /// of the status and sort them all, for each page of an admin's list.
    /// </summary>
    private const string StatusOrder = "STRING($.Status) + '/' + $._id";

    private static readonly BsonArray OpenStatuses =
        [(int)ErasureStatus.AwaitingApproval, (int)ErasureStatus.InProgress, (int)ErasureStatus.Failed];

    /// <summary>
    /// An open request's due date, null once it is done: the overdue requests are a range of this one index. It
    /// replaces an index of the status and one of the due date (files written before drop them at open): every request
    /// was in both, and each index a removal's request is in writes pages of its own to the log and the checkpoint.
    /// </summary>
    private static readonly string OpenDue = $"IIF($.Status IN [{string.Join(", ", OpenStatuses.Select(status => status.AsInt32))}], $.DueAt, null)";

    private static readonly string[] FormerIndexes = ["status", "due"];

    private readonly LiteDatabase _database;
    private readonly ErasureCheckpoint _checkpoint;
    private readonly LiteDbCustomerStore _customers;
    private readonly LiteDbCustomerKeyStore _keys;
    private readonly LiteDbOutboxStore _outbox;
    private readonly ILiteCollection<BsonDocument> _erasures;
    private readonly ILiteCollection<BsonDocument> _tombstones;
    private readonly ILiteCollection<BsonDocument> _evidenceKeys;

    public LiteDbErasureStore(LiteDatabase database, LiteDbCustomerStore customers, LiteDbCustomerKeyStore keys, LiteDbOutboxStore outbox)
    {
        _database = database;
        _checkpoint = new ErasureCheckpoint(database);
        _customers = customers;
        _keys = keys;
        _outbox = outbox;
        _erasures = database.GetCreatedCollection("erasures");
        _tombstones = database.GetCreatedCollection("erased_addresses");
        _evidenceKeys = database.GetCreatedCollection("evidence_keys");
        foreach (var index in FormerIndexes)
        {
            _erasures.DropIndex(index);
        }

        _erasures.EnsureIndex("customer", "$.CustomerId");
        _erasures.EnsureIndex("status_order", StatusOrder);
        _erasures.EnsureIndex("open_due", OpenDue);
    }

    public async Task<IReadOnlyDictionary<string, long>?> RemoveCustomerAsync(
        ErasureRecord request, long? replacesVersion, Customer customer, IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var removed = _database.InTransaction(IReadOnlyDictionary<string, long>? () =>
        {
            if ((replacesVersion is { } version ? !IsAt(request.Id, version) : HasActiveRequest(request.CustomerId))
                || _customers.DeleteInTransaction(customer) is not { } stamps)
            {
                return null;
            }

            _erasures.Upsert(ToDocument(request));
            _keys.Destroy(customer.Id);
            _tombstones.Upsert(new BsonDocument { ["_id"] = request.AddressHash, ["ErasureId"] = request.Id });
            _outbox.Enqueue(events);
            return stamps;
        });
        if (removed is not null)
        {
            // The deleted profile's pages are still in the log file until the checkpoint copies them over; removals
            // committed meanwhile share it. Not cancelled with the call: the removal is committed.
            await _checkpoint.RunAsync(CancellationToken.None);
        }

        return removed;
    }

    public Task<bool> InsertAwaitingAsync(ErasureRecord request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_database.InTransaction(() =>
        {
            if (HasActiveRequest(request.CustomerId))
            {
                return false;
            }

            _erasures.Insert(ToDocument(request));
            return true;
        }));
    }

    public Task<bool> ReplaceAsync(ErasureRecord request, long expectedVersion, IReadOnlyList<OutgoingEvent> events, bool liftTombstone, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_database.InTransaction(() =>
        {
            if (!IsAt(request.Id, expectedVersion))
            {
                return false;
            }

            _erasures.Update(ToDocument(request));
            if (liftTombstone && request.AddressHash is not null)
            {
                _tombstones.DeleteMany(BsonExpression.Create("_id = @0 AND ErasureId = @1", request.AddressHash, request.Id));
            }

            _outbox.Enqueue(events);
            return true;
        }));
    }

    public Task<bool> FoldReceiptAsync(ErasureRecord request, long expectedVersion, EventContext handled, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_database.InTransaction(() =>
        {
            if (!IsAt(request.Id, expectedVersion))
            {
                return false;
            }

            LiteDbInboxStore.RecordHandled(_database, handled, request.UpdatedAt);
            _erasures.Update(ToDocument(request));
            return true;
        }));
    }

    public Task<ErasureRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_erasures.FindById(id) is { } document ? ToRecord(document) : null);
    }

    public Task<ErasureRecord?> FindActiveForCustomerAsync(string customerId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(ActiveRequests(customerId).OrderByDescending(record => record.Id, StringComparer.Ordinal).FirstOrDefault());
    }

    public Task<string?> FindErasureOfAddressAsync(string addressHash, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_tombstones.FindById(addressHash)?["ErasureId"].AsString);
    }

    public Task<IReadOnlyList<ErasureRecord>> ListAsync(
        ErasureStatus? status, DateTimeOffset? overdueAt, string? beforeId, int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var before = beforeId ?? "\uffff";
        var query = status is { } wanted
            ? _erasures.Query()
                .Where(BsonExpression.Create($"{StatusOrder} BETWEEN @0 AND @1", $"{(int)wanted}/", $"{(int)wanted}/{before}"))
                .OrderByDescending(StatusOrder)
            : _erasures.Query().Where(BsonExpression.Create("_id < @0", before)).OrderByDescending("_id");
        if (overdueAt is { } now)
        {
            // The same requests as the open_due range (CountOverdueAsync), as a filter on the page's own range: with
            // that index's expression LiteDB could read through it instead and sort the page.
            query = query.Where(BsonExpression.Create("$.Status IN @0 AND $.DueAt < @1", OpenStatuses, now.UtcDateTime));
        }

        // The range's upper end is the previous page's last request itself.
        return Task.FromResult<IReadOnlyList<ErasureRecord>>([.. query.Limit(limit + 1).ToEnumerable().Select(ToRecord).Where(record => record.Id != beforeId).Take(limit)]);
    }

    public Task<long> CountOverdueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // BETWEEN includes both ends; a request due at this very instant is not overdue yet.
        return Task.FromResult(_erasures.LongCount(BsonExpression.Create($"{OpenDue} BETWEEN @0 AND @1", DateTime.MinValue, now.UtcDateTime.AddTicks(-1))));
    }

    public Task<StoredEvidenceKey> GetOrAddEvidenceKeyAsync(StoredEvidenceKey candidate, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var stored = _database.InTransaction(() =>
        {
            if (_evidenceKeys.FindById(EvidenceKeyId) is { } existing)
            {
                return existing;
            }

            var document = new BsonDocument
            {
                ["_id"] = EvidenceKeyId,
                ["KeyId"] = candidate.KeyId,
                ["WrappedPrivateKey"] = candidate.WrappedPrivateKey,
                ["KekId"] = candidate.KekId,
                ["CreatedAt"] = candidate.CreatedAt.UtcDateTime,
            };
            _evidenceKeys.Insert(document);
            return document;
        });
        return Task.FromResult(new StoredEvidenceKey(
            stored["KeyId"].AsString, stored["WrappedPrivateKey"].AsBinary, stored["KekId"].AsString, new DateTimeOffset(stored["CreatedAt"].AsDateTime.ToUniversalTime())));
    }

    private bool HasActiveRequest(string customerId) => ActiveRequests(customerId).Any(record => record.IsOpen);

    private IEnumerable<ErasureRecord> ActiveRequests(string customerId) =>
        _erasures.Find(BsonExpression.Create("$.CustomerId = @0", customerId)).Select(ToRecord).Where(record => record.Status != ErasureStatus.Rejected);

    private bool IsAt(string id, long version) => _erasures.FindById(id) is { } stored && stored["Version"].AsInt64 == version;

    private static BsonDocument ToDocument(ErasureRecord record) => new()
    {
        ["_id"] = record.Id,
        ["CustomerId"] = record.CustomerId,
        ["Status"] = (int)record.Status,
        ["DueAt"] = record.DueAt.UtcDateTime,
        ["Version"] = record.Version,
        ["Record"] = ErasureRecordJson.Serialize(record),
    };

    private static ErasureRecord ToRecord(BsonDocument document) => ErasureRecordJson.Deserialize(document["Record"].AsString);
}
