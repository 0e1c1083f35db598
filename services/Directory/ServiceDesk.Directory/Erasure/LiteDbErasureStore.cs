using LiteDB;
using Microsoft.Extensions.Logging;
using Google.Protobuf;
using ServiceDesk.Contracts.Directory.V1;
using SealedData = ServiceDesk.Contracts.Events.V1.SealedData;
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
/// indexed), tombstones ("erased_addresses", keyed by address hash, with the id of the request that wrote it), the
/// sealed final profiles of removals not completed ("removal_profiles", by request id) and the evidence key in the
/// service's LiteDB file.
/// LiteDB transactions belong to the thread: nothing between BeginTrans and Commit awaits.
/// </summary>
public sealed class LiteDbErasureStore : IErasureStore
{
    /// <summary>One signing key for the service; rotation would add a key beside it, not replace it.</summary>
    private const string EvidenceKeyId = "current";

    /// <summary>
    /// A status's requests newest first, as one index's keys (<c>status/id</c>): through an index of the status LiteDB
    /// would read every request of the status and sort them all, for each page of an admin's list.
    /// </summary>
    private const string StatusOrder = "$.StatusOrder";

    /// <summary>
    /// An open request's due date, null once it is done: the overdue requests are a range of this one index.
    /// </summary>
    private const string OpenDue = "$.OpenDue";

    private static readonly BsonArray OpenStatuses =
        [(int)ErasureStatus.AwaitingApproval, (int)ErasureStatus.InProgress, (int)ErasureStatus.Failed];

    private static readonly BsonArray UnderWayStatuses = [(int)ErasureStatus.InProgress, (int)ErasureStatus.Failed];

    /// <summary>
    /// Indexes of files written before, each dropped at open: one of the status and one of the due date, and the two
    /// above as expressions of the status and due date (<c>STRING($.Status) + '/' + $._id</c>, <c>IIF($.Status IN [...],
    /// $.DueAt, null)</c>). LiteDB parses every index expression of a collection whenever an operation loads the
    /// collection, and those two took 6-9 times as long to parse as a field's path: in a profile of the removals,
    /// 4.7% of Directory's CPU went to parsing this collection's index expressions. Their keys are fields now.
    /// </summary>
    private static readonly BsonExpression FormerIndexes = BsonExpression.Create(
        "collection = 'erasures' AND (name IN ['status', 'due'] OR (name = 'status_order' AND expression != @0) OR (name = 'open_due' AND expression != @1))",
        StatusOrder, OpenDue);

    /// <summary>The tombstones' collection, which the customer store also reads (<see cref="LiteDbCustomerStore"/>).</summary>
    internal const string TombstoneCollection = "erased_addresses";

    private readonly LiteDatabase _database;
    private readonly ILogger<LiteDbErasureStore> _logger;
    private readonly ErasureCheckpoint _checkpoint;
    private readonly LiteDbCustomerStore _customers;
    private readonly LiteDbCustomerKeyStore _keys;
    private readonly LiteDbOutboxStore _outbox;
    private readonly ILiteCollection<BsonDocument> _erasures;
    private readonly ILiteCollection<BsonDocument> _tombstones;
    private readonly ILiteCollection<BsonDocument> _evidenceKeys;
    private readonly ILiteCollection<BsonDocument> _removalProfiles;

    public LiteDbErasureStore(LiteDatabase database, LiteDbCustomerStore customers, LiteDbCustomerKeyStore keys, LiteDbOutboxStore outbox, ILogger<LiteDbErasureStore> logger)
    {
        _logger = logger;
        _database = database;
        _checkpoint = new ErasureCheckpoint(database);
        _customers = customers;
        _keys = keys;
        _outbox = outbox;
        _erasures = database.GetCreatedCollection("erasures");
        _tombstones = database.GetCreatedCollection(TombstoneCollection);
        _evidenceKeys = database.GetCreatedCollection("evidence_keys");
        _removalProfiles = database.GetCreatedCollection("removal_profiles");
        StoreIndexKeysOfFormerFile();
        _erasures.EnsureIndex("customer", "$.CustomerId");
        _erasures.EnsureIndex("status_order", StatusOrder);
        _erasures.EnsureIndex("open_due", OpenDue);
    }

    public async Task<IReadOnlyDictionary<string, long>?> RemoveCustomerAsync(
        ErasureRecord request,
        long? replacesVersion,
        Customer customer,
        IReadOnlyList<FormerAddress> formerAddresses,
        RemovalProfile removalProfile,
        IReadOnlyList<OutgoingEvent> events,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var removed = _database.InTransactionUnlessNull(IReadOnlyDictionary<string, long>? () =>
        {
            // The delete before the former addresses' checks: it takes the customers' write lock, which every
            // customer insert and address change holds while it checks the tombstones, so the checks read what each
            // of them committed and none commits an address of this removal's until it is done.
            _erasures.LockForWrite();
            if ((replacesVersion is { } version ? !IsAt(request.Id, version) : HasActiveRequest(request.CustomerId))
                || _customers.DeleteInTransaction(customer) is not { } stamps
                || formerAddresses.Any(former => _customers.HasAddress(former.Address) || _tombstones.FindOneById(former.Hash) is not null))
            {
                return null;
            }

            _erasures.Upsert(ToDocument(request));
            _keys.Destroy(customer.Id);
            LiteDbCustomerKeyStore.Insert(_database, removalProfile.Key);
            _removalProfiles.Upsert(new BsonDocument { ["_id"] = request.Id, ["Sealed"] = removalProfile.Sealed.ToByteArray() });
            Tombstone(request);

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

    public async Task<IReadOnlyDictionary<string, long>?> ReapplyRemovalAsync(
        ErasureRecord request, Customer? customer, IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var reapplied = _database.InTransactionUnlessNull(IReadOnlyDictionary<string, long>? () =>
        {
            _erasures.LockForWrite();
            if (_erasures.FindOneById(request.Id) is { } stored && stored["Status"].AsInt32 != (int)ErasureStatus.AwaitingApproval)
            {
                return null;
            }

            var stamps = customer is null ? new Dictionary<string, long>() : _customers.DeleteInTransaction(customer);
            if (stamps is null)
            {
                return null;
            }

            _erasures.Upsert(ToDocument(request));
            _keys.Destroy(request.CustomerId);
            Tombstone(request);

            _outbox.Enqueue(events);
            return stamps;
        });
        if (reapplied is not null)
        {
            await _checkpoint.RunAsync(CancellationToken.None);
        }

        return reapplied;
    }

    public Task<bool> InsertAwaitingAsync(ErasureRecord request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_database.InTransaction(() =>
        {
            _erasures.LockForWrite();
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
            _erasures.LockForWrite();
            if (!IsAt(request.Id, expectedVersion))
            {
                return false;
            }

            _erasures.Update(ToDocument(request));
            if (liftTombstone)
            {
                _tombstones.DeleteMany(BsonExpression.Create("_id IN @0 AND ErasureId = @1", new BsonArray(request.TombstonedHashes.Select(hash => new BsonValue(hash))), request.Id));
            }

            _outbox.Enqueue(events);
            return true;
        }));
    }

    public Task<bool> FoldReceiptAsync(ErasureRecord request, long expectedVersion, EventContext handled, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var keyDestroyed = false;
        var folded = _database.InTransaction(() =>
        {
            _erasures.LockForWrite();
            if (!IsAt(request.Id, expectedVersion))
            {
                return false;
            }

            LiteDbInboxStore.RecordHandled(_database, handled, request.UpdatedAt);
            _erasures.Update(ToDocument(request));
            if (request.FinalProfileRead && _removalProfiles.Delete(request.Id))
            {
                keyDestroyed = _keys.Destroy(RemovalProfile.KeyOwnerOf(request.Id));
            }

            return true;
        });
        if (keyDestroyed)
        {
            // The key's former bytes stay in the log file until a checkpoint: one soon, shared with the next removal's.
            _checkpoint.RunSoon(exception => _logger.LogWarning("The checkpoint after erasure {ErasureId}'s final-profile key was destroyed failed ({Error}); it is tried again", request.Id, exception.GetType().Name));
        }

        return Task.FromResult(folded);
    }

    public Task<SealedData?> FindRemovalProfileAsync(string erasureId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_removalProfiles.FindOneById(erasureId) is { } stored ? SealedData.Parser.ParseFrom(stored["Sealed"].AsBinary) : null);
    }

    public Task<ErasureRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_erasures.FindOneById(id) is { } document ? ToRecord(document) : null);
    }

    public Task<ErasureRecord?> FindActiveForCustomerAsync(string customerId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(ActiveRequests(customerId).OrderByDescending(record => record.Id, StringComparer.Ordinal).FirstOrDefault());
    }

    public Task<string?> FindErasureOfAddressAsync(string addressHash, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_tombstones.FindOneById(addressHash)?["ErasureId"].AsString);
    }

    public Task<IReadOnlyList<ErasureRecord>> ListAsync(ErasureQuery selection, CancellationToken cancellationToken)
    {
        var (customerId, status, overdueAt, participantPendingBefore, beforeId, limit) = selection;
        cancellationToken.ThrowIfCancellationRequested();
        var before = beforeId ?? "\uffff";
        // A customer's own requests are few: read through the customer index, the status a filter on them.
        var query = customerId is not null
            ? _erasures.Query().Where(BsonExpression.Create("$.CustomerId = @0 AND _id < @1", customerId, before)).OrderByDescending("_id")
            : status is { } wanted
            ? _erasures.Query()
                .Where(BsonExpression.Create($"{StatusOrder} BETWEEN @0 AND @1", $"{(int)wanted}/", $"{(int)wanted}/{before}"))
                .OrderByDescending(StatusOrder)
            : _erasures.Query().Where(BsonExpression.Create("_id < @0", before)).OrderByDescending("_id");
        if (customerId is not null && status is { } only)
        {
            query = query.Where(BsonExpression.Create("$.Status = @0", (int)only));
        }

        if (overdueAt is { } now)
        {
            // The same requests as the open_due range (CountOverdueAsync), as a filter on the page's own range: with
            // that index's expression LiteDB could read through it instead and sort the page.
            query = query.Where(BsonExpression.Create("$.Status IN @0 AND $.DueAt < @1", OpenStatuses, now.UtcDateTime));
        }

        if (participantPendingBefore is not { } pendingBefore)
        {
            // The range's upper end is the previous page's last request itself.
            return Task.FromResult<IReadOnlyList<ErasureRecord>>([.. query.Limit(limit + 1).ToEnumerable().Select(ToRecord).Where(record => record.Id != beforeId).Take(limit)]);
        }

        // Participants are inside the record's JSON: the page is read on until it holds enough of them.
        return Task.FromResult<IReadOnlyList<ErasureRecord>>(
        [
            .. query.Where(BsonExpression.Create("$.Status IN @0", UnderWayStatuses)).ToEnumerable().Select(ToRecord)
                .Where(record => record.Id != beforeId && record.HasOverdueParticipant(pendingBefore)).Take(limit),
        ]);
    }

    public Task<IReadOnlyList<ErasureRecord>> ListUnderWayAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<ErasureRecord>>([.. _erasures.Find(BsonExpression.Create("$.Status IN @0", UnderWayStatuses)).Select(ToRecord)]);
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
            // Two first exports at once: the second reads the first's key instead of failing on its duplicate id.
            _evidenceKeys.LockForWrite();
            if (_evidenceKeys.FindOneById(EvidenceKeyId) is { } existing)
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
        return Task.FromResult(ToEvidenceKey(stored));
    }

    public Task<StoredEvidenceKey?> FindEvidenceKeyAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_evidenceKeys.FindOneById(EvidenceKeyId) is { } stored ? ToEvidenceKey(stored) : null);
    }

    public Task RewrapEvidenceKeyAsync(StoredEvidenceKey read, StoredEvidenceKey rewrapped, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _database.InTransaction(() =>
        {
            _evidenceKeys.LockForWrite();
            if (_evidenceKeys.FindOneById(EvidenceKeyId) is { } stored && stored["WrappedPrivateKey"].AsBinary.AsSpan().SequenceEqual(read.WrappedPrivateKey))
            {
                stored["WrappedPrivateKey"] = rewrapped.WrappedPrivateKey;
                stored["KekId"] = rewrapped.KekId;
                _evidenceKeys.Update(stored);
            }
        });
        return Task.CompletedTask;
    }

    private static StoredEvidenceKey ToEvidenceKey(BsonDocument stored) =>
        new(stored["KeyId"].AsString, stored["WrappedPrivateKey"].AsBinary, stored["KekId"].AsString, new DateTimeOffset(stored["CreatedAt"].AsDateTime.ToUniversalTime()));

    /// <summary>Tombstones every address hash of the request, each naming the request; in the caller's transaction.</summary>
    private void Tombstone(ErasureRecord request)
    {
        foreach (var hash in request.TombstonedHashes)
        {
            _tombstones.Upsert(new BsonDocument { ["_id"] = hash, ["ErasureId"] = request.Id });
        }
    }

    private bool HasActiveRequest(string customerId) => ActiveRequests(customerId).Any(record => record.IsOpen);

    private IEnumerable<ErasureRecord> ActiveRequests(string customerId) =>
        _erasures.Find(BsonExpression.Create("$.CustomerId = @0", customerId)).Select(ToRecord).Where(record => record.Status != ErasureStatus.Rejected);

    /// <summary>Whether the request is at this version; read after <see cref="LiteDbCollections.LockForWrite"/>, so no writer replaces it before the caller's transaction ends.</summary>
    private bool IsAt(string id, long version) => _erasures.FindOneById(id) is { } stored && stored["Version"].AsInt64 == version;

    /// <summary>
    /// A file written before: its former indexes go, and every request gets its index keys, in one transaction (the
    /// requests are one per removal).
    /// </summary>
    private void StoreIndexKeysOfFormerFile()
    {
        var former = _database.GetCollection("$indexes").Find(FormerIndexes).Select(index => index["name"].AsString).ToList();
        if (former.Count == 0)
        {
            return;
        }

        _database.InTransaction(() =>
        {
            foreach (var index in former)
            {
                _erasures.DropIndex(index);
            }

            foreach (var document in _erasures.FindAll().ToList())
            {
                _erasures.Update(WithIndexKeys(document));
            }
        });
    }

    private static BsonDocument ToDocument(ErasureRecord record) => WithIndexKeys(new BsonDocument
    {
        ["_id"] = record.Id,
        ["CustomerId"] = record.CustomerId,
        ["Status"] = (int)record.Status,
        ["DueAt"] = record.DueAt.UtcDateTime,
        ["Version"] = record.Version,
        ["Record"] = ErasureRecordJson.Serialize(record),
    });

    private static BsonDocument WithIndexKeys(BsonDocument document)
    {
        document["StatusOrder"] = $"{document["Status"].AsInt32}/{document["_id"].AsString}";
        document["OpenDue"] = OpenStatuses.Contains(document["Status"]) ? document["DueAt"] : BsonValue.Null;
        return document;
    }

    private static ErasureRecord ToRecord(BsonDocument document) => ErasureRecordJson.Deserialize(document["Record"].AsString);
}
