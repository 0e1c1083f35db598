using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Notification.Customers;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Notification.Tests.Stores;

/// <summary>What every backend of the known-customer store must do; each test opens a fresh database.</summary>
public abstract class KnownCustomerStoreContract(Func<(IKnownCustomerStore Store, IErasureLedger Ledger, IDisposable? Database)> open) : IDisposable
{
    private readonly List<IDisposable?> _opened = [];

    public void Dispose() => _opened.ForEach(database => database?.Dispose());

    [SkippableFact]
    public async Task A_customer_is_kept_when_new_or_newer_once_per_event_and_forgotten()
    {
        var store = Open();
        var created = new EventContext("event-1", "directory", DateTimeOffset.UnixEpoch, "customers", "1-0");
        var jane = new KnownCustomer("jane", "Jane One", "jane@example.com", 1);

        Assert.True(await store.KeepFromEventAsync(jane, created, DateTimeOffset.UnixEpoch, default));
        await Assert.ThrowsAsync<EventAlreadyHandledException>(() => store.KeepFromEventAsync(jane with { Version = 2 }, created, DateTimeOffset.UnixEpoch, default));
        Assert.True(await store.KeepFromEventAsync(jane with { DisplayName = "Jane Two", Version = 3 }, created with { EventId = "event-2" }, DateTimeOffset.UnixEpoch, default));
        Assert.False(await store.KeepFromEventAsync(jane with { Version = 2 }, created with { EventId = "event-3" }, DateTimeOffset.UnixEpoch, default));

        Assert.Equal(jane with { DisplayName = "Jane Two", Version = 3 }, await store.FindAsync("jane", default));
        Assert.True(await store.ForgetAsync("jane", default));
        Assert.False(await store.ForgetAsync("jane", default));
        Assert.Null(await store.FindAsync("jane", default));
    }

    [SkippableFact]
    public async Task Who_chose_the_name_and_the_former_names_and_addresses_read_back_as_kept()
    {
        var store = Open();
        var jane = new KnownCustomer("jane", "Jane Chosen", "jane@newco.example", 4)
        {
            DisplayNameChosenByCustomer = true,
            History = new ProfileHistory([new PreviousName("Jane Given", false), new PreviousName("J.", true)], ["jane@oldco.example"]),
        };

        await store.KeepFromEventAsync(jane, new EventContext("event-1", "directory", DateTimeOffset.UnixEpoch, "customers", "1-0"), DateTimeOffset.UnixEpoch, default);

        Assert.Equal(jane, await store.FindAsync("jane", default));
    }

    /// <summary>What the kept tokens tell of a letter is in <see cref="DeliveryStoreContract"/>, where they are read.</summary>
    [SkippableFact]
    public async Task A_removed_customer_is_never_kept_again()
    {
        var store = Open();
        var created = new EventContext("event-1", "directory", DateTimeOffset.UnixEpoch, "customers", "1-0");
        await store.KeepFromEventAsync(new KnownCustomer("jane", "Jane Roe", "jane.roe@example.com", 1), created, DateTimeOffset.UnixEpoch, default);

        await store.RememberErasedAsync("jane", [["ROE", "JANE"], ["JANE", "ROE", "EXAMPLE", "COM"], []], DateTimeOffset.UtcNow, default);
        await store.RememberErasedAsync("jane", [["ROE", "JANE"]], DateTimeOffset.UtcNow, default);
        Assert.True(await store.ForgetAsync("jane", default));

        Assert.False(await store.KeepFromEventAsync(new KnownCustomer("jane", "Jane Roe", "jane.roe@example.com", 2), created with { EventId = "event-2" }, DateTimeOffset.UnixEpoch, default));
        Assert.Null(await store.FindAsync("jane", default));
    }

    [SkippableFact]
    public async Task A_customer_whose_needle_was_let_go_of_is_still_never_kept_again()
    {
        var store = Open();
        var created = new EventContext("event-1", "directory", DateTimeOffset.UnixEpoch, "customers", "1-0");
        await store.RememberErasedAsync("jane", [["PRINTER"], ["JANE", "EXAMPLE", "COM"]], DateTimeOffset.UtcNow, default);

        await store.ForgetErasedAsync("jane", [["PRINTER"]], default);

        Assert.False(await store.KeepFromEventAsync(new KnownCustomer("jane", "Printer", "jane@example.com", 2), created, DateTimeOffset.UnixEpoch, default));
        Assert.Null(await store.FindAsync("jane", default));
    }

    /// <summary>
    /// A customer's update, or their first event, released together with their removal remembering their name and
    /// forgetting what is kept: nothing of them is kept afterwards. Read before the write lock, the update once found no
    /// removal, and wrote the name and address back after the removal had forgotten them; a first event finds no stored
    /// customer for the forgetting to meet.
    /// </summary>
    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_update_kept_as_the_customer_is_removed_never_brings_them_back(bool firstEvent)
    {
        var store = Open();
        for (var round = 0; round < 100; round++)
        {
            var customerId = $"jane-{round}";
            var jane = new KnownCustomer(customerId, "Jane Roe", "jane.roe@example.com", 1);
            if (!firstEvent)
            {
                await store.KeepFromEventAsync(jane, Event($"created-{round}"), DateTimeOffset.UnixEpoch, default);
            }

            using var start = new Barrier(2);
            var updating = Task.Run(() =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                return store.KeepFromEventAsync(jane with { DisplayName = "Jane Roe-Smith", Version = 2 }, Event($"updated-{round}"), DateTimeOffset.UnixEpoch, default);
            });
            var removing = Task.Run(async () =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                await store.RememberErasedAsync(customerId, [["ROE", "JANE"]], DateTimeOffset.UtcNow, default);
                await store.ForgetAsync(customerId, default);
            });
            await Task.WhenAll(updating, removing);

            Assert.True(await store.FindAsync(customerId, default) is null, $"round {round}: kept after the removal");
        }
    }

    /// <summary>
    /// A removal this service recorded before it knew the customer remembers no name of theirs, so the ledger itself
    /// refuses the event that would keep them, whenever the handler's own look at the ledger came.
    /// </summary>
    [SkippableFact]
    public async Task A_customer_whose_removal_began_is_never_kept_from_an_event()
    {
        var (store, ledger) = OpenWithLedger();
        await ledger.StartAsync(
            new ErasureRecord("request-1", "jane", "h-jane", Contracts.Events.V1.ErasureMode.Anonymize, ErasureState.Started, new Dictionary<string, long>(), DateTimeOffset.UnixEpoch),
            default);

        Assert.False(await store.KeepFromEventAsync(new KnownCustomer("jane", "Jane Roe", "jane.roe@example.com", 1), Event("created"), DateTimeOffset.UnixEpoch, default));
        Assert.Null(await store.FindAsync("jane", default));
    }

    private static EventContext Event(string eventId) => new(eventId, "directory", DateTimeOffset.UnixEpoch, "customers", "1-0");

    private IKnownCustomerStore Open() => OpenWithLedger().Store;

    private (IKnownCustomerStore Store, IErasureLedger Ledger) OpenWithLedger()
    {
        var (store, ledger, database) = open();
        _opened.Add(database);
        return (store, ledger);
    }
}

public sealed class LiteDbKnownCustomerStoreTests() : KnownCustomerStoreContract(() =>
{
    var database = StoreBackends.NewLiteDatabase("notification");
    var ledger = new LiteDbErasureLedger(database, new LiteDbOutboxStore(database));
    return (new LiteDbKnownCustomerStore(database, ledger), ledger, database);
});

public sealed class MongoKnownCustomerStoreTests() : KnownCustomerStoreContract(() =>
{
    var database = StoreBackends.NewMongoDatabase(MongoKnownCustomerStore.Indexes, MongoErasureLedger.Indexes);
    var ledger = new MongoErasureLedger(database, new MongoOutboxStore(database));
    return (new MongoKnownCustomerStore(database, ledger), ledger, null);
});
