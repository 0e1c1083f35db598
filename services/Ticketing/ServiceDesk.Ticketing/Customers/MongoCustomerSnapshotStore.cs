using MongoDB.Bson;
using MongoDB.Driver;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Inbox;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Storage.MongoDb;

namespace ServiceDesk.Ticketing.Customers;

public sealed class MongoCustomerSnapshotStore(IMongoDatabase database, MongoErasureLedger ledger) : ICustomerSnapshotStore, IMongoStore
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    private readonly IMongoCollection<BsonDocument> _snapshots = database.GetCollection<BsonDocument>("customer_snapshots");

    /// <summary>
    /// A claim per customer (<see cref="MongoClaims"/>), written by every write of their snapshot, in its transaction, and
    /// by <see cref="WaitForWritesAsync"/>: two writers conflict instead of overwriting each other unseen, and a write
    /// whose transaction read the ledger before a removal was recorded runs again, or ends before the removal reads on.
    /// </summary>
    private readonly IMongoCollection<BsonDocument> _writes = database.GetCollection<BsonDocument>("snapshot_writes");

    public static IReadOnlyList<MongoIndex> Indexes => [];

    public async Task<bool> SaveIfNewerAsync(CustomerSnapshot snapshot, bool createIfMissing, CancellationToken cancellationToken)
    {
        // The usual case, a ticket's customer whose snapshot is current: a read instead of a transaction.
        if (await _snapshots.Find(Filter.Eq("_id", snapshot.CustomerId) & Filter.Gte("Version", snapshot.Version)).AnyAsync(cancellationToken))
        {
            return false;
        }

        return await database.Client.InTransactionAsync(
            async (session, token) =>
            {
                await _writes.ClaimAsync(session, snapshot.CustomerId, token);
                var document = await _snapshots.Find(session, Filter.Eq("_id", snapshot.CustomerId)).FirstOrDefaultAsync(token);
                var stored = document is null ? null : ToSnapshot(document);
                if ((stored is null ? !createIfMissing : stored.Version >= snapshot.Version) || await IsRefusedAsync(session, snapshot, token))
                {
                    return false;
                }

                await _snapshots.ReplaceOneAsync(
                    session, Filter.Eq("_id", snapshot.CustomerId), ToDocument(stored is null ? snapshot : snapshot.Succeeding(stored)), new ReplaceOptions { IsUpsert = true }, token);
                return true;
            },
            cancellationToken);
    }

    public Task<bool> KeepFromEventAsync(CustomerSnapshot snapshot, EventContext handledEvent, DateTimeOffset handledAt, CancellationToken cancellationToken) =>
        database.Client.InTransactionAsync(
            async (session, token) =>
            {
                await MongoInboxStore.RecordHandledAsync(database, session, handledEvent, handledAt, token);
                await _writes.ClaimAsync(session, snapshot.CustomerId, token);
                var stored = await _snapshots.Find(session, Filter.Eq("_id", snapshot.CustomerId)).FirstOrDefaultAsync(token);
                if ((stored is not null && ToSnapshot(stored).KnowsAsMuchAs(snapshot.Version)) || await IsRefusedAsync(session, snapshot, token))
                {
                    return false;
                }

                await _snapshots.ReplaceOneAsync(session, Filter.Eq("_id", snapshot.CustomerId), ToDocument(snapshot), new ReplaceOptions { IsUpsert = true }, token);
                return true;
            },
            cancellationToken);

    public Task WaitForWritesAsync(string customerId, CancellationToken cancellationToken) => _writes.ClaimAsync(null, customerId, cancellationToken);

    public async Task<IReadOnlyDictionary<string, CustomerSnapshot>> GetManyAsync(IReadOnlyCollection<string> customerIds, CancellationToken cancellationToken)
    {
        var documents = await _snapshots.Find(Filter.In("_id", customerIds.Distinct())).ToListAsync(cancellationToken);
        return documents.Select(ToSnapshot).ToDictionary(snapshot => snapshot.CustomerId);
    }

    /// <summary>In the write's transaction: a removal recorded, and the snapshot not its own.</summary>
    private async Task<bool> IsRefusedAsync(IClientSessionHandle session, CustomerSnapshot snapshot, CancellationToken cancellationToken) =>
        !snapshot.Erased && await ledger.IsCustomerErasedAsync(session, snapshot.CustomerId, cancellationToken);

    private static BsonDocument ToDocument(CustomerSnapshot snapshot)
    {
        var document = new BsonDocument
        {
            ["_id"] = snapshot.CustomerId,
            ["DisplayName"] = snapshot.DisplayName,
            ["Address"] = snapshot.Address,
            ["ProjectKeys"] = new BsonArray(snapshot.ProjectKeys),
            ["Version"] = snapshot.Version,
            ["Erased"] = snapshot.Erased,
            ["DisplayNameChosenByCustomer"] = snapshot.DisplayNameChosenByCustomer,
            ["FromEvent"] = snapshot.FromEvent,
        };
        MongoProfileHistory.Write(snapshot.History, document);
        return document;
    }

    private static CustomerSnapshot ToSnapshot(BsonDocument document) => new(
        document["_id"].AsString,
        document["DisplayName"].AsString,
        document["Address"].AsString,
        [.. document["ProjectKeys"].AsBsonArray.Select(key => key.AsString)],
        document["Version"].ToInt64(),
        document.TryGetValue("Erased", out var erased) && erased.AsBoolean)
    {
        DisplayNameChosenByCustomer = document.GetValue("DisplayNameChosenByCustomer", false).AsBoolean,
        FromEvent = document.GetValue("FromEvent", false).AsBoolean,
        History = MongoProfileHistory.Read(document),
    };
}
