using LiteDB;
using MongoDocument = MongoDB.Bson.BsonDocument;
using MongoDB.Driver;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Testing;
using ServiceDesk.Ticketing.Customers;
using ServiceDesk.Ticketing.Projects;
using ServiceDesk.Ticketing.Tickets;

namespace ServiceDesk.Ticketing.Tests.Stores;

/// <summary>
/// Ticketing's stores over one fresh database, with the outbox they write their events to.
/// <paramref name="ForgetMentionTokensAsync"/> leaves a stored ticket as a version without mention tokens wrote it.
/// </summary>
public sealed record TicketingStores(
    IProjectStore Projects, ITicketStore Tickets, ICustomerSnapshotStore Snapshots, IErasureLedger Ledger, IOutboxStore Outbox, IDisposable? Database,
    Func<string, Task> ForgetMentionTokensAsync)
{
    /// <summary>Keyed as every test host's are (<see cref="ServiceHost.TombstonePepper"/>).</summary>
    public static MentionTokens Mentions { get; } = new(new TombstonePepper(Convert.FromBase64String(ServiceHost.TombstonePepper)));

    public static TicketingStores LiteDb()
    {
        var database = StoreBackends.NewLiteDatabase("ticketing");
        var outbox = new LiteDbOutboxStore(database);
        var ledger = new LiteDbErasureLedger(database, outbox);
        return new(
            new LiteDbProjectStore(database, outbox), new LiteDbTicketStore(database, outbox, ledger, Mentions), new LiteDbCustomerSnapshotStore(database, ledger), ledger, outbox, database,
            ticketId =>
            {
                var tickets = database.GetCollection("tickets");
                var document = tickets.FindById(ticketId);
                document.Remove("MentionTokens");
                document.Remove("MentionIndex");
                tickets.Update(document);
                return Task.CompletedTask;
            });
    }

    /// <summary>Skips the calling test when MONGO_URL names no server.</summary>
    public static TicketingStores Mongo()
    {
        var database = StoreBackends.NewMongoDatabase(MongoOutboxStore.Indexes, MongoTicketStore.Indexes, MongoErasureLedger.Indexes);
        var outbox = new MongoOutboxStore(database);
        var ledger = new MongoErasureLedger(database, outbox);
        return new(
            new MongoProjectStore(database, outbox), new MongoTicketStore(database, outbox, ledger, Mentions), new MongoCustomerSnapshotStore(database, ledger), ledger, outbox, Database: null,
            ticketId => database.GetCollection<MongoDocument>("tickets").UpdateOneAsync(
                Builders<MongoDocument>.Filter.Eq("_id", ticketId), Builders<MongoDocument>.Update.Unset("MentionTokens").Unset("MentionIndex")));
    }
}
