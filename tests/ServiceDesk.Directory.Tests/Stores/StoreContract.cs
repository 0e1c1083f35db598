using LiteDB;
using MongoDB.Driver;
using ServiceDesk.Directory.Customers;
using ServiceDesk.Directory.Erasure;
using ServiceDesk.Directory.Keys;
using ServiceDesk.Directory.Organizations;
using ServiceDesk.Directory.Projects;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Testing;

namespace ServiceDesk.Directory.Tests.Stores;

/// <summary>The backend a contract suite runs against; each test gets a fresh database.</summary>
public interface IStoreBackend
{
    /// <summary>Creates each store over one fresh database (skipping the test when the backend is unavailable).</summary>
    TStores Open<TStores>(Func<LiteDatabase, TStores> liteDb, Func<IMongoDatabase, TStores> mongo);
}

public sealed class LiteDbBackend : IStoreBackend, IDisposable
{
    private readonly List<LiteDatabase> _databases = [];

    public TStores Open<TStores>(Func<LiteDatabase, TStores> liteDb, Func<IMongoDatabase, TStores> mongo)
    {
        var database = StoreBackends.NewLiteDatabase();
        _databases.Add(database);
        return liteDb(database);
    }

    public void Dispose() => _databases.ForEach(database => database.Dispose());
}

public sealed class MongoBackend : IStoreBackend
{
    public TStores Open<TStores>(Func<LiteDatabase, TStores> liteDb, Func<IMongoDatabase, TStores> mongo) => mongo(StoreBackends.NewMongoDatabase(
        MongoCustomerStore.Indexes, MongoOutboxStore.Indexes, MongoOrganizationStore.Indexes, MongoProjectStore.Indexes, MongoCustomerKeyStore.Indexes, MongoErasureStore.Indexes));
}
