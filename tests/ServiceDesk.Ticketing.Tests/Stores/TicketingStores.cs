using LiteDB;
using MongoDB.Driver;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Testing;
using ServiceDesk.Ticketing.Customers;
using ServiceDesk.Ticketing.Projects;
using ServiceDesk.Ticketing.Tickets;

namespace ServiceDesk.Ticketing.Tests.Stores;

/// <summary>Ticketing's stores over one fresh database, with the outbox they write their events to.</summary>
public sealed record TicketingStores(IProjectStore Projects, ITicketStore Tickets, ICustomerSnapshotStore Snapshots, IOutboxStore Outbox, IDisposable? Database)
{
    public static TicketingStores LiteDb()
    {
        var database = StoreBackends.NewLiteDatabase("ticketing");
        var outbox = new LiteDbOutboxStore(database);
        return new(new LiteDbProjectStore(database, outbox), new LiteDbTicketStore(database, outbox), new LiteDbCustomerSnapshotStore(database), outbox, database);
    }

    /// <summary>Skips the calling test when MONGO_URL names no server.</summary>
    public static TicketingStores Mongo()
    {
        var database = StoreBackends.NewMongoDatabase(MongoOutboxStore.Indexes, MongoTicketStore.Indexes);
        var outbox = new MongoOutboxStore(database);
        return new(new MongoProjectStore(database, outbox), new MongoTicketStore(database, outbox), new MongoCustomerSnapshotStore(database), outbox, Database: null);
    }
}
