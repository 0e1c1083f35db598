using MongoDB.Bson;
using MongoDB.Driver;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Inbox;
using ServiceDesk.Storage.MongoDb;

namespace ServiceDesk.Ticketing.Customers;

public sealed class MongoCustomerSnapshotStore(IMongoDatabase database) : ICustomerSnapshotStore, IMongoStore
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    private readonly IMongoCollection<BsonDocument> _snapshots = database.GetCollection<BsonDocument>("customer_snapshots");

    public static IReadOnlyList<MongoIndex> Indexes => [];

    public async Task<bool> SaveIfNewerAsync(CustomerSnapshot snapshot, bool createIfMissing, CancellationToken cancellationToken)
    {
        var older = Filter.Eq("_id", snapshot.CustomerId) & Filter.Lt("Version", snapshot.Version);
        if (!createIfMissing)
        {
            return (await _snapshots.ReplaceOneAsync(older, ToDocument(snapshot), cancellationToken: cancellationToken)).ModifiedCount == 1;
        }

        try
        {
            // Upserting on "older": a newer stored snapshot matches nothing, so the upsert's insert hits the
            // _id index, which is how an older write loses.
            var result = await _snapshots.ReplaceOneAsync(older, ToDocument(snapshot), new ReplaceOptions { IsUpsert = true }, cancellationToken);
            return result.ModifiedCount == 1 || result.UpsertedId is not null;
        }
        catch (MongoWriteException exception) when (exception.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            return false;
        }
    }

    public Task<bool> KeepFromEventAsync(CustomerSnapshot snapshot, EventContext handledEvent, DateTimeOffset handledAt, CancellationToken cancellationToken) =>
        database.Client.InTransactionAsync(
            async (session, token) =>
            {
                await MongoInboxStore.RecordHandledAsync(database, session, handledEvent, handledAt, token);
                var stored = await _snapshots.Find(session, Filter.Eq("_id", snapshot.CustomerId)).FirstOrDefaultAsync(token);
                if (stored is not null && stored["Version"].AsInt64 >= snapshot.Version)
                {
                    return false;
                }

                await _snapshots.ReplaceOneAsync(session, Filter.Eq("_id", snapshot.CustomerId), ToDocument(snapshot), new ReplaceOptions { IsUpsert = true }, token);
                return true;
            },
            cancellationToken);

    public async Task<IReadOnlyDictionary<string, CustomerSnapshot>> GetManyAsync(IReadOnlyCollection<string> customerIds, CancellationToken cancellationToken)
    {
        var documents = await _snapshots.Find(Filter.In("_id", customerIds.Distinct())).ToListAsync(cancellationToken);
        return documents.Select(ToSnapshot).ToDictionary(snapshot => snapshot.CustomerId);
    }

    private static BsonDocument ToDocument(CustomerSnapshot snapshot) => new()
    {
        ["_id"] = snapshot.CustomerId,
        ["DisplayName"] = snapshot.DisplayName,
        ["Address"] = snapshot.Address,
        ["ProjectKeys"] = new BsonArray(snapshot.ProjectKeys),
        ["Version"] = snapshot.Version,
        ["Erased"] = snapshot.Erased,
    };

    private static CustomerSnapshot ToSnapshot(BsonDocument document) => new(
        document["_id"].AsString,
        document["DisplayName"].AsString,
        document["Address"].AsString,
        [.. document["ProjectKeys"].AsBsonArray.Select(key => key.AsString)],
        document["Version"].ToInt64(),
        document.TryGetValue("Erased", out var erased) && erased.AsBoolean);
}
