using MongoDB.Bson;
using MongoDB.Driver;
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
using ServiceDesk.Storage.MongoDb;

namespace ServiceDesk.Directory.Erasure;

/// <summary>
/// Requests, tombstones, the sealed final profiles of removals not completed and the evidence key in the service's MongoDB database. A removal is one multi-document
/// transaction (a replica set is required, as for every store here). What a delete leaves behind in MongoDB (the
/// oplog until it rolls over, backups until their retention ends) is stated in the README and in the evidence.
/// </summary>
public sealed class MongoErasureStore(IMongoDatabase database, MongoCustomerStore customers, MongoCustomerKeyStore keys, MongoOutboxStore outbox)
    : IErasureStore, IMongoStore
{
    private const string ErasuresName = "erasures";

    /// <summary>The tombstones' collection, which the customer store also reads (<see cref="MongoCustomerStore"/>).</summary>
    internal const string TombstoneCollection = "erased_addresses";
    private const string EvidenceKeyId = "current";

    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;
    private static readonly int[] OpenStatuses = [(int)ErasureStatus.AwaitingApproval, (int)ErasureStatus.InProgress, (int)ErasureStatus.Failed];
    private static readonly int[] UnderWayStatuses = [(int)ErasureStatus.InProgress, (int)ErasureStatus.Failed];

    private readonly IMongoCollection<BsonDocument> _erasures = database.GetCollection<BsonDocument>(ErasuresName);
    private readonly IMongoCollection<BsonDocument> _tombstones = database.GetCollection<BsonDocument>(TombstoneCollection);
    private readonly IMongoCollection<BsonDocument> _evidenceKeys = database.GetCollection<BsonDocument>("evidence_keys");
    private readonly IMongoCollection<BsonDocument> _removalProfiles = database.GetCollection<BsonDocument>("removal_profiles");
    private readonly IMongoCollection<BsonDocument> _requestClaims = database.GetCollection<BsonDocument>("erasure_request_claims");
    private readonly MongoIndexes _indexes = new(database, Indexes);

    public static IReadOnlyList<MongoIndex> Indexes { get; } =
    [
        new(ErasuresName, MongoIndex.KeysOf.Ascending("CustomerId"), new CreateIndexOptions { Name = "customer" }),
        new(ErasuresName, MongoIndex.KeysOf.Ascending("Status").Descending("_id"), new CreateIndexOptions { Name = "status" }),
        new(ErasuresName, MongoIndex.KeysOf.Ascending("DueAt"), new CreateIndexOptions { Name = "due" }),
    ];

    public async Task<IReadOnlyDictionary<string, long>?> RemoveCustomerAsync(
        ErasureRecord request,
        long? replacesVersion,
        Customer customer,
        IReadOnlyList<FormerAddress> formerAddresses,
        RemovalProfile removalProfile,
        IReadOnlyList<OutgoingEvent> events,
        CancellationToken cancellationToken)
    {
        await _indexes.EnsureCreatedAsync(cancellationToken);
        return await database.Client.InTransactionAsync(
            async Task<IReadOnlyDictionary<string, long>?> (session, token) =>
            {
                if (replacesVersion is { } version
                        ? !await IsAtAsync(session, request.Id, version, token)
                        : await ClaimUnlessOpenRequestAsync(session, request.CustomerId, token))
                {
                    return null;
                }

                foreach (var former in formerAddresses)
                {
                    if (await customers.HasAddressAsync(session, former.Address, token)
                        || await _tombstones.Find(session, Filter.Eq("_id", former.Hash)).AnyAsync(token))
                    {
                        return null;
                    }
                }

                if (await customers.DeleteAsync(session, customer, token) is not { } stamps)
                {
                    return null;
                }

                await _erasures.ReplaceOneAsync(session, Filter.Eq("_id", request.Id), ToDocument(request), new ReplaceOptions { IsUpsert = true }, token);
                await keys.DestroyAsync(session, customer.Id, token);
                await MongoCustomerKeyStore.InsertAsync(database, session, removalProfile.Key, token);
                await _removalProfiles.ReplaceOneAsync(
                    session,
                    Filter.Eq("_id", request.Id),
                    new BsonDocument { ["_id"] = request.Id, ["Sealed"] = removalProfile.Sealed.ToByteArray() },
                    new ReplaceOptions { IsUpsert = true },
                    token);
                await TombstoneAsync(session, request, token);
                await outbox.EnqueueAsync(session, events, token);
                return stamps;
            },
            cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, long>?> ReapplyRemovalAsync(
        ErasureRecord request, Customer? customer, IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
    {
        await _indexes.EnsureCreatedAsync(cancellationToken);
        return await database.Client.InTransactionAsync(
            async Task<IReadOnlyDictionary<string, long>?> (session, token) =>
            {
                // The claim makes two replicas re-applying the same request at once conflict, as two removals do.
                await _requestClaims.ClaimAsync(session, request.CustomerId, token);
                if (await _erasures.Find(session, Filter.Eq("_id", request.Id) & Filter.Ne("Status", (int)ErasureStatus.AwaitingApproval)).AnyAsync(token))
                {
                    return null;
                }

                var stamps = customer is null ? new Dictionary<string, long>() : await customers.DeleteAsync(session, customer, token);
                if (stamps is null)
                {
                    return null;
                }

                await _erasures.ReplaceOneAsync(session, Filter.Eq("_id", request.Id), ToDocument(request), new ReplaceOptions { IsUpsert = true }, token);
                await keys.DestroyAsync(session, request.CustomerId, token);
                await TombstoneAsync(session, request, token);

                await outbox.EnqueueAsync(session, events, token);
                return stamps;
            },
            cancellationToken);
    }

    public async Task<bool> InsertAwaitingAsync(ErasureRecord request, CancellationToken cancellationToken)
    {
        await _indexes.EnsureCreatedAsync(cancellationToken);
        return await database.Client.InTransactionAsync(
            async (session, token) =>
            {
                if (await ClaimUnlessOpenRequestAsync(session, request.CustomerId, token))
                {
                    return false;
                }

                await _erasures.InsertOneAsync(session, ToDocument(request), cancellationToken: token);
                return true;
            },
            cancellationToken);
    }

    public async Task<bool> ReplaceAsync(ErasureRecord request, long expectedVersion, IReadOnlyList<OutgoingEvent> events, bool liftTombstone, CancellationToken cancellationToken) =>
        await database.Client.InTransactionAsync(
            async (session, token) =>
            {
                var replaced = await _erasures.ReplaceOneAsync(session, Filter.Eq("_id", request.Id) & Filter.Eq("Version", expectedVersion), ToDocument(request), cancellationToken: token);
                if (replaced.MatchedCount == 0)
                {
                    return false;
                }

                if (liftTombstone)
                {
                    await _tombstones.DeleteManyAsync(session, Filter.In("_id", request.TombstonedHashes) & Filter.Eq("ErasureId", request.Id), cancellationToken: token);
                }

                await outbox.EnqueueAsync(session, events, token);
                return true;
            },
            cancellationToken);

    public async Task<bool> FoldReceiptAsync(ErasureRecord request, long expectedVersion, EventContext handled, CancellationToken cancellationToken) =>
        await database.Client.InTransactionAsync(
            async (session, token) =>
            {
                var replaced = await _erasures.ReplaceOneAsync(session, Filter.Eq("_id", request.Id) & Filter.Eq("Version", expectedVersion), ToDocument(request), cancellationToken: token);
                if (replaced.MatchedCount == 0)
                {
                    return false;
                }

                await MongoInboxStore.RecordHandledAsync(database, session, handled, request.UpdatedAt, token);
                if (request.FinalProfileRead && (await _removalProfiles.DeleteOneAsync(session, Filter.Eq("_id", request.Id), cancellationToken: token)).DeletedCount > 0)
                {
                    await keys.DestroyAsync(session, RemovalProfile.KeyOwnerOf(request.Id), token);
                }

                return true;
            },
            cancellationToken);

    public async Task<SealedData?> FindRemovalProfileAsync(string erasureId, CancellationToken cancellationToken) =>
        await _removalProfiles.Find(Filter.Eq("_id", erasureId)).FirstOrDefaultAsync(cancellationToken) is { } stored
            ? SealedData.Parser.ParseFrom(stored["Sealed"].AsByteArray)
            : null;

    public async Task<ErasureRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        await _erasures.Find(Filter.Eq("_id", id)).FirstOrDefaultAsync(cancellationToken) is { } document ? ToRecord(document) : null;

    public async Task<ErasureRecord?> FindActiveForCustomerAsync(string customerId, CancellationToken cancellationToken) =>
        await _erasures.Find(Filter.Eq("CustomerId", customerId) & Filter.Ne("Status", (int)ErasureStatus.Rejected))
            .Sort(Builders<BsonDocument>.Sort.Descending("_id")).FirstOrDefaultAsync(cancellationToken) is { } document
            ? ToRecord(document)
            : null;

    public async Task<string?> FindErasureOfAddressAsync(string addressHash, CancellationToken cancellationToken) =>
        (await _tombstones.Find(Filter.Eq("_id", addressHash)).FirstOrDefaultAsync(cancellationToken))?["ErasureId"].AsString;

    public async Task<IReadOnlyList<ErasureRecord>> ListAsync(ErasureQuery selection, CancellationToken cancellationToken)
    {
        var (customerId, status, overdueAt, participantPendingBefore, beforeId, limit) = selection;
        var filter = beforeId is null ? Filter.Empty : Filter.Lt("_id", beforeId);
        if (customerId is not null)
        {
            filter &= Filter.Eq("CustomerId", customerId);
        }

        if (status is { } wanted)
        {
            filter &= Filter.Eq("Status", (int)wanted);
        }

        if (overdueAt is { } now)
        {
            filter &= Overdue(now);
        }

        var newestFirst = _erasures.Find(filter).Sort(Builders<BsonDocument>.Sort.Descending("_id"));
        if (participantPendingBefore is not { } pendingBefore)
        {
            return [.. (await newestFirst.Limit(limit).ToListAsync(cancellationToken)).Select(ToRecord)];
        }

        // Participants are inside the record's JSON: the page is read on until it holds enough of them.
        var found = new List<ErasureRecord>();
        using var cursor = await _erasures.Find(filter & Filter.In("Status", UnderWayStatuses)).Sort(Builders<BsonDocument>.Sort.Descending("_id")).ToCursorAsync(cancellationToken);
        while (found.Count < limit && await cursor.MoveNextAsync(cancellationToken))
        {
            found.AddRange(cursor.Current.Select(ToRecord).Where(record => record.HasOverdueParticipant(pendingBefore)));
        }

        return [.. found.Take(limit)];
    }

    public async Task<IReadOnlyList<ErasureRecord>> ListUnderWayAsync(CancellationToken cancellationToken) =>
        [.. (await _erasures.Find(Filter.In("Status", UnderWayStatuses)).ToListAsync(cancellationToken)).Select(ToRecord)];

    public Task<long> CountOverdueAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _erasures.CountDocumentsAsync(Overdue(now), cancellationToken: cancellationToken);

    public async Task<StoredEvidenceKey> GetOrAddEvidenceKeyAsync(StoredEvidenceKey candidate, CancellationToken cancellationToken)
    {
        // Upsert: concurrent first uses agree on one key.
        var document = await _evidenceKeys.FindOneAndUpdateAsync(
            Filter.Eq("_id", EvidenceKeyId),
            Builders<BsonDocument>.Update
                .SetOnInsert("KeyId", candidate.KeyId)
                .SetOnInsert("WrappedPrivateKey", candidate.WrappedPrivateKey)
                .SetOnInsert("KekId", candidate.KekId)
                .SetOnInsert("CreatedAt", candidate.CreatedAt.UtcDateTime),
            new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After },
            cancellationToken);
        return ToEvidenceKey(document);
    }

    public async Task<StoredEvidenceKey?> FindEvidenceKeyAsync(CancellationToken cancellationToken) =>
        await _evidenceKeys.Find(Filter.Eq("_id", EvidenceKeyId)).FirstOrDefaultAsync(cancellationToken) is { } document ? ToEvidenceKey(document) : null;

    public Task RewrapEvidenceKeyAsync(StoredEvidenceKey read, StoredEvidenceKey rewrapped, CancellationToken cancellationToken) =>
        _evidenceKeys.UpdateOneAsync(
            Filter.Eq("_id", EvidenceKeyId) & Filter.Eq("WrappedPrivateKey", read.WrappedPrivateKey),
            Builders<BsonDocument>.Update.Set("WrappedPrivateKey", rewrapped.WrappedPrivateKey).Set("KekId", rewrapped.KekId),
            cancellationToken: cancellationToken);

    private static StoredEvidenceKey ToEvidenceKey(BsonDocument document) =>
        new(document["KeyId"].AsString, document["WrappedPrivateKey"].AsByteArray, document["KekId"].AsString, new DateTimeOffset(document["CreatedAt"].ToUniversalTime(), TimeSpan.Zero));

    private static FilterDefinition<BsonDocument> Overdue(DateTimeOffset now) => Filter.In("Status", OpenStatuses) & Filter.Lt("DueAt", now.UtcDateTime);

    /// <summary>Tombstones every address hash of the request, each naming the request.</summary>
    private async Task TombstoneAsync(IClientSessionHandle session, ErasureRecord request, CancellationToken cancellationToken)
    {
        foreach (var hash in request.TombstonedHashes)
        {
            await _tombstones.ReplaceOneAsync(
                session,
                Filter.Eq("_id", hash),
                new BsonDocument { ["_id"] = hash, ["ErasureId"] = request.Id },
                new ReplaceOptions { IsUpsert = true },
                cancellationToken);
        }
    }

    private async Task<bool> IsAtAsync(IClientSessionHandle session, string id, long version, CancellationToken cancellationToken) =>
        await _erasures.Find(session, Filter.Eq("_id", id) & Filter.Eq("Version", version)).AnyAsync(cancellationToken);

    /// <summary>
    /// Whether the customer has an open request, read after writing the customer's claim in "erasure_request_claims"
    /// (<see cref="MongoClaims"/>): two transactions recording a new request for one customer both write it, so they
    /// conflict, and the one that runs again finds the other's request, where two reads alone would both find none and
    /// both record one.
    /// </summary>
    private async Task<bool> ClaimUnlessOpenRequestAsync(IClientSessionHandle session, string customerId, CancellationToken cancellationToken)
    {
        await _requestClaims.ClaimAsync(session, customerId, cancellationToken);
        return await _erasures.Find(session, Filter.Eq("CustomerId", customerId) & Filter.In("Status", OpenStatuses)).AnyAsync(cancellationToken);
    }

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
