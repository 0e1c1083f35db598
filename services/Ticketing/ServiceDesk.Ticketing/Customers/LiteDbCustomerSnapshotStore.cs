using LiteDB;

namespace ServiceDesk.Ticketing.Customers;

public sealed class LiteDbCustomerSnapshotStore(LiteDatabase database) : ICustomerSnapshotStore
{
    private readonly ILiteCollection<BsonDocument> _snapshots = database.GetCollection("customer_snapshots");

    public Task<bool> SaveIfNewerAsync(CustomerSnapshot snapshot, bool createIfMissing, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(database.InTransaction(() =>
        {
            var stored = _snapshots.FindById(snapshot.CustomerId);
            if (stored is null ? !createIfMissing : stored["Version"].AsInt64 >= snapshot.Version)
            {
                return false;
            }

            _snapshots.Upsert(ToDocument(snapshot));
            return true;
        }));
    }

    public Task<IReadOnlyDictionary<string, CustomerSnapshot>> GetManyAsync(IReadOnlyCollection<string> customerIds, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var documents = _snapshots.Find(BsonExpression.Create("_id IN @0", new BsonArray(customerIds.Distinct().Select(id => new BsonValue(id)))));
        return Task.FromResult<IReadOnlyDictionary<string, CustomerSnapshot>>(documents.Select(ToSnapshot).ToDictionary(snapshot => snapshot.CustomerId));
    }

    private static BsonDocument ToDocument(CustomerSnapshot snapshot) => new()
    {
        ["_id"] = snapshot.CustomerId,
        ["DisplayName"] = snapshot.DisplayName,
        ["Address"] = snapshot.Address,
        ["ProjectKeys"] = new BsonArray(snapshot.ProjectKeys.Select(key => new BsonValue(key))),
        ["Version"] = snapshot.Version,
    };

    private static CustomerSnapshot ToSnapshot(BsonDocument document) => new(
        document["_id"].AsString,
        document["DisplayName"].AsString,
        document["Address"].AsString,
        [.. document["ProjectKeys"].AsArray.Select(key => key.AsString)],
        document["Version"].AsInt64);
}
