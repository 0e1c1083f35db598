using LiteDB;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Inbox;
using ServiceDesk.Storage.LiteDb;

namespace ServiceDesk.Notification.Customers;

public sealed class LiteDbKnownCustomerStore(LiteDatabase database) : IKnownCustomerStore
{
    private readonly ILiteCollection<BsonDocument> _customers = database.GetCollection("known_customers");

    public Task<bool> KeepFromEventAsync(KnownCustomer customer, EventContext handledEvent, DateTimeOffset handledAt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(database.InTransaction(() =>
        {
            LiteDbInboxStore.RecordHandled(database, handledEvent, handledAt);
            if (_customers.FindById(customer.CustomerId) is { } stored && stored["Version"].AsInt64 >= customer.Version)
            {
                return false;
            }

            _customers.Upsert(new BsonDocument
            {
                ["_id"] = customer.CustomerId,
                ["DisplayName"] = customer.DisplayName,
                ["Address"] = customer.Address,
                ["Version"] = customer.Version,
            });
            return true;
        }));
    }

    public Task<KnownCustomer?> FindAsync(string customerId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_customers.FindById(customerId) is { } document
            ? new KnownCustomer(document["_id"].AsString, document["DisplayName"].AsString, document["Address"].AsString, document["Version"].AsInt64)
            : null);
    }

    public Task<bool> DeleteAsync(string customerId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_customers.Delete(customerId));
    }
}
