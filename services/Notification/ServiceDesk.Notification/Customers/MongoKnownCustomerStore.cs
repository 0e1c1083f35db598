using MongoDB.Bson;
using MongoDB.Driver;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Inbox;
using ServiceDesk.Storage.MongoDb;

namespace ServiceDesk.Notification.Customers;

public sealed class MongoKnownCustomerStore(IMongoDatabase database) : IKnownCustomerStore, IMongoStore
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    private readonly IMongoCollection<BsonDocument> _customers = database.GetCollection<BsonDocument>("known_customers");

    public static IReadOnlyList<MongoIndex> Indexes => [];

    public Task<bool> KeepFromEventAsync(KnownCustomer customer, EventContext handledEvent, DateTimeOffset handledAt, CancellationToken cancellationToken) =>
        database.Client.InTransactionAsync(
            async (session, token) =>
            {
                await MongoInboxStore.RecordHandledAsync(database, session, handledEvent, handledAt, token);
                var stored = await _customers.Find(session, Filter.Eq("_id", customer.CustomerId)).FirstOrDefaultAsync(token);
                if (stored is not null && stored["Version"].AsInt64 >= customer.Version)
                {
                    return false;
                }

                var document = new BsonDocument
                {
                    ["_id"] = customer.CustomerId,
                    ["DisplayName"] = customer.DisplayName,
                    ["Address"] = customer.Address,
                    ["Version"] = customer.Version,
                };
                await _customers.ReplaceOneAsync(session, Filter.Eq("_id", customer.CustomerId), document, new ReplaceOptions { IsUpsert = true }, token);
                return true;
            },
            cancellationToken);

    public async Task<KnownCustomer?> FindAsync(string customerId, CancellationToken cancellationToken) =>
        await _customers.Find(Filter.Eq("_id", customerId)).FirstOrDefaultAsync(cancellationToken) is { } document
            ? new KnownCustomer(document["_id"].AsString, document["DisplayName"].AsString, document["Address"].AsString, document["Version"].AsInt64)
            : null;

    public async Task<bool> DeleteAsync(string customerId, CancellationToken cancellationToken) =>
        (await _customers.DeleteOneAsync(Filter.Eq("_id", customerId), cancellationToken)).DeletedCount == 1;
}
