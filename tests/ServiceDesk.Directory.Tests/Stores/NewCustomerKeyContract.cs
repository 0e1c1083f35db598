using ServiceDesk.Directory.Customers;
using ServiceDesk.Directory.Keys;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Directory.Tests.Stores;

/// <summary>A new customer's key is written in the customer's insert transaction: stored with the customer, never without.</summary>
public abstract class NewCustomerKeyContract(IStoreBackend backend) : IDisposable
{
    public void Dispose() => (backend as IDisposable)?.Dispose();

    private (ICustomerStore Customers, ICustomerKeyStore Keys, IOutboxStore Outbox) NewStores() => backend.Open<(ICustomerStore, ICustomerKeyStore, IOutboxStore)>(
        db =>
        {
            var outbox = new LiteDbOutboxStore(db);
            return (new LiteDbCustomerStore(db, outbox, TestData.Pepper), new LiteDbCustomerKeyStore(db, TestKeyProtection.Wrapper, TimeProvider.System), outbox);
        },
        db =>
        {
            var outbox = new MongoOutboxStore(db);
            return (new MongoCustomerStore(db, outbox, TestData.Pepper), new MongoCustomerKeyStore(db, TestKeyProtection.Wrapper, TimeProvider.System), outbox);
        });

    [SkippableFact]
    public async Task An_inserted_customer_has_the_key_it_was_inserted_with()
    {
        var (customers, keys, _) = NewStores();
        var jane = TestData.Customer();
        var key = keys.New(jane.Id);

        await customers.InsertAsync(jane, key, [Event("jane created")], default);

        var stored = await keys.FindAsync(key.Key.KeyId, default);
        Assert.Equal(jane.Id, stored?.CustomerId);
        Assert.Equal(key.Key.Key.ToByteArray(), stored?.Key);
        Assert.Equal(key.Key, await keys.GetOrCreateForCustomerAsync(jane.Id, default));
    }

    [SkippableFact]
    public async Task An_insert_that_fails_stores_neither_the_customer_nor_their_key()
    {
        var (customers, keys, outbox) = NewStores();
        var jane = TestData.Customer();
        await customers.InsertAsync(jane, keys.New(jane.Id), [Event("jane created")], default);
        var impostor = TestData.Customer(jane.Address);
        var key = keys.New(impostor.Id);

        await Assert.ThrowsAsync<AddressTakenException>(() => customers.InsertAsync(impostor, key, [Event("impostor created")], default));

        Assert.Null(await customers.GetAsync(impostor.Id, default));
        Assert.Null(await keys.FindAsync(key.Key.KeyId, default));
        Assert.Equal(["jane created"], (await outbox.ReadPendingAsync(10, default)).Select(e => e.EventId));
    }

    private static OutgoingEvent Event(string eventId) => new(eventId, "customers", "servicedesk.events.v1.CustomerCreated", []);
}

public sealed class LiteDbNewCustomerKeyTests() : NewCustomerKeyContract(new LiteDbBackend());

public sealed class MongoNewCustomerKeyTests() : NewCustomerKeyContract(new MongoBackend());
