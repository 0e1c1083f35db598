using MongoDB.Bson;
using MongoDB.Driver;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Inbox;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Storage.MongoDb;

namespace ServiceDesk.Ticketing.Customers;

public sealed class MongoCustomerSnapshotStore(IMongoDatabase database) : ICustomerSnapshotStore, IMongoStore
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    private readonly IMongoCollection<BsonDocument> _snapshots = database.GetCollection<BsonDocument>("customer_snapshots");

    public static IReadOnlyList<MongoIndex> Indexes => [];

    public async Task<bool> SaveIfNewerAsync(CustomerSnapshot snapshot, bool createIfMissing, CancellationToken cancellationToken)
    {
        while (true)
        {
            var document = await _snapshots.Find(Filter.Eq("_id", snapshot.CustomerId)).FirstOrDefaultAsync(cancellationToken);
            if (document is null)
            {
                if (!createIfMissing)
                {
                    return false;
                }

                try
                {
                    await _snapshots.InsertOneAsync(ToDocument(snapshot), cancellationToken: cancellationToken);
                    return true;
                }
                catch (MongoWriteException exception) when (exception.WriteError.Category == ServerErrorCategory.DuplicateKey)
                {
                    // Stored meanwhile: weighed against it on the next round.
                    continue;
                }
            }

            var stored = ToSnapshot(document);
            if (stored.Version >= snapshot.Version)
            {
                return false;
            }

            // Replaced only as read, so what a concurrent writer stored is never overwritten unseen.
            var asRead = Filter.Eq("_id", snapshot.CustomerId) & Filter.Eq("Version", stored.Version) & Filter.Eq("FromEvent", document.GetValue("FromEvent", BsonNull.Value));
            if ((await _snapshots.ReplaceOneAsync(asRead, ToDocument(snapshot.Succeeding(stored)), cancellationToken: cancellationToken)).MatchedCount == 1)
            {
                return true;
            }
        }
    }

    public Task<bool> KeepFromEventAsync(CustomerSnapshot snapshot, EventContext handledEvent, DateTimeOffset handledAt, CancellationToken cancellationToken) =>
        database.Client.InTransactionAsync(
            async (session, token) =>
            {
                await MongoInboxStore.RecordHandledAsync(database, session, handledEvent, handledAt, token);
                var stored = await _snapshots.Find(session, Filter.Eq("_id", snapshot.CustomerId)).FirstOrDefaultAsync(token);
                if (stored is not null && ToSnapshot(stored).KnowsAsMuchAs(snapshot.Version))
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
