using LiteDB;
using MongoDB.Driver;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Notification.Customers;
using ServiceDesk.Notification.Deliveries;
using ServiceDesk.Storage;
using ServiceDesk.Storage.LiteDb;
using ServiceDesk.Testing;
using Xunit;
using DeliveryStatus = ServiceDesk.Contracts.Notification.V1.DeliveryStatus;

namespace ServiceDesk.Notification.Tests.Stores;

/// <summary>
/// The delivery store over one fresh database, with the stores of that database it checks a delivery against.
/// <paramref name="ForgetMentionTokensAsync"/> leaves a stored delivery as a version without mention tokens wrote it.
/// </summary>
public sealed record DeliveryStores(
    IDeliveryStore Deliveries, IErasureLedger Ledger, IKnownCustomerStore Customers, IDisposable? Database, Func<string, Task> ForgetMentionTokensAsync)
{
    public static DeliveryStores LiteDb(LiteDatabase database)
    {
        var ledger = new LiteDbErasureLedger(database, new LiteDbOutboxStore(database));
        var customers = new LiteDbKnownCustomerStore(database, ledger);
        var deliveries = database.GetCollection("deliveries");
        return new(new LiteDbDeliveryStore(database, ledger, customers, DeliveryStoreContract.Mentions), ledger, customers, database, id =>
        {
            var document = deliveries.FindById(id);
            document.Remove("MentionTokens");
            document.Remove("MentionIndex");
            deliveries.Update(document);
            return Task.CompletedTask;
        });
    }
}

/// <summary>What every backend of the delivery store must do; each test opens a fresh database.</summary>
public abstract class DeliveryStoreContract(Func<DeliveryStores> open) : IDisposable
{
    protected static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly List<IDisposable?> _opened = [];

    public void Dispose() => _opened.ForEach(database => database?.Dispose());

    [SkippableFact]
    public async Task A_delivery_is_stored_once_and_read_back_whole()
    {
        var store = Open();
        var delivery = Queued("e1/c1", Now);

        Assert.Equal(2, await store.AddAsync([delivery, Queued("e1/c2", Now)], default));
        Assert.Equal(0, await store.AddAsync([delivery with { RecipientName = "Again" }], default));
        Assert.Equal(delivery, await store.GetAsync("e1/c1", default));
        Assert.Null(await store.GetAsync("none", default));
    }

    [SkippableFact]
    public async Task Only_queued_deliveries_are_due_earliest_first_and_a_lease_is_taken_once()
    {
        var store = Open();
        await store.AddAsync([Queued("late", Now.AddMinutes(5)), Queued("early", Now.AddMinutes(-1)), Queued("now", Now)], default);
        await store.AddAsync([Queued("sent", Now.AddMinutes(-2)) with { Status = DeliveryStatus.Sent, Message = null }], default);

        var due = await store.ListDueAsync(Now, 10, default);
        Assert.Equal(["early", "now"], due.Select(delivery => delivery.Id));
        Assert.Equal(Now.AddMinutes(-1), await store.NextDueAsync(default));

        Assert.True(await store.TryLeaseAsync(due[0], Now.AddMinutes(10), default));
        Assert.False(await store.TryLeaseAsync(due[0], Now.AddMinutes(10), default));
        Assert.Equal(["now"], (await store.ListDueAsync(Now, 10, default)).Select(delivery => delivery.Id));
        Assert.Equal(Now.AddMinutes(10), (await store.GetAsync("early", default))!.NextAttemptAt);
    }

    [SkippableFact]
    public async Task An_update_never_brings_back_a_deleted_delivery()
    {
        var store = Open();
        var delivery = Queued("e1/c1", Now);
        await store.AddAsync([delivery], default);

        var sent = delivery with { Status = DeliveryStatus.Sent, Message = null, SentAt = Now, Attempts = 1 };
        Assert.True(await store.UpdateAsync(sent, default));
        Assert.Equal(sent, await store.GetAsync(delivery.Id, default));
        Assert.Null(await store.NextDueAsync(default));

        Assert.Equal(1, await store.DeleteAsync([delivery.Id, "none"], default));
        Assert.False(await store.UpdateAsync(sent, default));
        Assert.Null(await store.GetAsync(delivery.Id, default));
    }

    [SkippableFact]
    public async Task The_log_pages_newest_first_within_its_filters_and_a_recipient_is_found_by_id_or_address_hash()
    {
        var store = Open();
        await store.AddAsync(
        [
            Queued("a", Now) with { ProjectKey = "ONE", TicketId = "ONE-1" },
            Queued("b", Now.AddSeconds(1)) with { ProjectKey = "ONE", TicketId = "ONE-1", RecipientCustomerId = "c2", AddressHash = "h2" },
            Queued("c", Now.AddSeconds(2)) with { ProjectKey = "TWO", TicketId = "TWO-1" },
            Queued("d", Now.AddSeconds(3)) with { ProjectKey = "TWO", TicketId = "TWO-2", RecipientCustomerId = "c3" },
        ], default);

        var first = await store.ListAsync(new DeliveryQuery(null, null, null, null, 2), default);
        Assert.Equal(["d", "c"], first.Select(delivery => delivery.Id));
        Assert.Equal(["b", "a"], (await store.ListAsync(new DeliveryQuery(null, null, null, first[^1].ListOrder, 10), default)).Select(delivery => delivery.Id));
        Assert.Equal(["b", "a"], (await store.ListAsync(new DeliveryQuery("ONE-1", null, null, null, 10), default)).Select(delivery => delivery.Id));
        Assert.Equal(["c", "a"], (await store.ListAsync(new DeliveryQuery(null, "c1", null, null, 10), default)).Select(delivery => delivery.Id));
        var recipientsFirst = await store.ListAsync(new DeliveryQuery(null, "c1", null, null, 1), default);
        Assert.Equal(["c"], recipientsFirst.Select(delivery => delivery.Id));
        Assert.Equal(["a"], (await store.ListAsync(new DeliveryQuery(null, "c1", null, recipientsFirst[^1].ListOrder, 10), default)).Select(delivery => delivery.Id));
        Assert.Equal(["a"], (await store.ListAsync(new DeliveryQuery(null, "c1", new HashSet<string> { "ONE" }, null, 10), default)).Select(delivery => delivery.Id));
        Assert.Equal(["d"], (await store.ListAsync(new DeliveryQuery("TWO-2", "c3", null, null, 10), default)).Select(delivery => delivery.Id));
        Assert.Empty(await store.ListAsync(new DeliveryQuery(null, "c", null, null, 10), default));
        Assert.Equal(["d", "c"], (await store.ListAsync(new DeliveryQuery(null, null, new HashSet<string> { "TWO" }, null, 10), default)).Select(delivery => delivery.Id));
        Assert.Empty(await store.ListAsync(new DeliveryQuery("ONE-1", null, new HashSet<string> { "TWO" }, null, 10), default));

        // c3's delivery went to the address of hash h2 as well.
        Assert.Equal(["b", "d"], (await store.ListToRecipientAsync("c3", "h2", default)).Select(delivery => delivery.Id).Order());
    }

    [SkippableFact]
    public async Task A_recipient_s_deliveries_are_theirs_only_not_those_of_an_id_that_differs_in_case_or_extends_it()
    {
        var store = Open();
        await store.AddAsync(
        [
            Queued("own", Now) with { AddressHash = "h-own" },
            Queued("upper", Now) with { RecipientCustomerId = "C1", AddressHash = "h-upper" },
            Queued("longer", Now) with { RecipientCustomerId = "c1/x", AddressHash = "h-longer" },
            Queued("prefix", Now) with { RecipientCustomerId = "c", AddressHash = "h-prefix" },
        ], default);

        Assert.Equal(["own"], (await store.ListToRecipientAsync("c1", "h-none", default)).Select(delivery => delivery.Id));
        Assert.Equal(["longer"], (await store.ListToRecipientAsync("c1/x", "h-none", default)).Select(delivery => delivery.Id));
        Assert.Equal(["prefix"], (await store.ListToRecipientAsync("c", "h-none", default)).Select(delivery => delivery.Id));
    }

    [SkippableFact]
    public async Task Deliveries_are_found_by_the_mention_tokens_of_their_ticket_summary_also_after_it_was_sent()
    {
        var store = Open();
        await store.AddAsync(
        [
            Queued("naming", Now) with { Message = new RenderedMessage("[HELP-1] New reply: Laptop of VERA VICTIM (vera.victim@mail.test)", "Text", "<p>Html</p>") },
            Queued("to-vera", Now) with
            {
                RecipientAddress = "vera.victim@mail.test", RecipientName = "Vera Victim",
                Message = new RenderedMessage("[HELP-2] Request received: Toner", "Hello Vera Victim, we received your request", "<p>Hello</p>"),
            },
            Queued("other", Now),
        ], default);
        var naming = (await store.GetAsync("naming", default))!;

        Assert.True(await store.UpdateAsync(naming with { Status = DeliveryStatus.Sent, Message = null, SentAt = Now }, default));
        Assert.Equal(["naming"], await MentioningAsync(store, "vera victim"));
        Assert.Equal(["naming"], await MentioningAsync(store, "VERA.victim@mail.test"));
        Assert.Equal(["to-vera"], await MentioningAsync(store, "Toner"));
        // Neither the recipient's own name and address (an erasure finds their letters by id and address hash), nor the
        // template's words, nor the HTML, nor the ticket key.
        Assert.Equal([], await MentioningAsync(store, "Request received"));
        Assert.Equal([], await MentioningAsync(store, "Hello"));
        Assert.Equal([], await MentioningAsync(store, "Html"));
        Assert.Equal([], await MentioningAsync(store, "HELP"));
        Assert.Equal([], await MentioningAsync(store, "Nobody"));
    }

    [SkippableFact]
    public async Task Deliveries_stored_without_mention_tokens_are_listed_until_the_backfill_gives_them_tokens()
    {
        var stores = OpenAll();
        var (store, forgetMentionTokensAsync) = (stores.Deliveries, stores.ForgetMentionTokensAsync);
        await store.AddAsync([Queued("old-1", Now), Queued("old-2", Now), Queued("new", Now)], default);
        await forgetMentionTokensAsync("old-1");
        await forgetMentionTokensAsync("old-2");

        Assert.Equal(["old-1", "old-2"], await MentioningAsync(store, "Nobody"));
        Assert.Equal(1, await store.IndexMentionsAsync(1, delivery => delivery.Id == "old-1" ? ["Letter to Nobody"] : [], default));
        Assert.Equal(1, await store.IndexMentionsAsync(1, _ => [], default));
        Assert.Equal(0, await store.IndexMentionsAsync(1, _ => [], default));
        Assert.Equal(["old-1"], await MentioningAsync(store, "Nobody"));
        Assert.Equal(Queued("old-2", Now), await store.GetAsync("old-2", default));
    }

    [SkippableFact]
    public async Task A_delivery_to_an_erased_recipient_is_not_stored_and_one_naming_a_removed_customer_is_refused()
    {
        var stores = OpenAll();
        await stores.Ledger.StartAsync(Removal("c-erased", "h-erased"), default);
        await stores.Customers.RememberErasedAsync("c-gone", [Mentions.QueryTokens("Jane Gone")], DateTimeOffset.UtcNow, default);

        Assert.Equal(1, await stores.Deliveries.AddAsync(
            [Queued("to-customer", Now) with { RecipientCustomerId = "c-erased" }, Queued("to-address", Now) with { AddressHash = "h-erased" }, Queued("kept", Now)], default));
        var refused = await Assert.ThrowsAsync<SummaryNamesErasedException>(() => stores.Deliveries.AddAsync(
            [Queued("before", Now), Naming("naming", "Jane Gone"), Queued("after", Now)], default));

        Assert.Equal("naming", refused.DeliveryId);
        Assert.Equal(
            [("to-customer", false), ("to-address", false), ("kept", true), ("before", true), ("naming", false), ("after", false)],
            await Task.WhenAll(new[] { "to-customer", "to-address", "kept", "before", "naming", "after" }.Select(async id => (id, await stores.Deliveries.GetAsync(id, default) is not null))));
    }

    /// <summary>
    /// Only a ticket older than the removal can hold the removed customer's name from before it: a newer ticket's summary
    /// is what its author wrote since, and its letters show it (left out, the author's own letter would confirm that a
    /// name they wrote was a removed customer's).
    /// </summary>
    [SkippableFact]
    public async Task A_summary_naming_a_removed_customer_is_refused_only_for_a_ticket_created_before_the_removal()
    {
        var stores = OpenAll();
        await stores.Customers.RememberErasedAsync("c-gone", [Mentions.QueryTokens("Jane Gone")], Now, default);

        var older = Assert.ThrowsAsync<SummaryNamesErasedException>(() => stores.Deliveries.AddAsync(
            [Naming("older-ticket", "Jane Gone") with { TicketCreatedAt = Now.AddMinutes(-1) }], default));
        Assert.Equal("older-ticket", (await older).DeliveryId);
        Assert.Equal(1, await stores.Deliveries.AddAsync([Naming("newer-ticket", "Jane Gone") with { TicketCreatedAt = Now.AddMinutes(1) }], default));
    }

    /// <summary>
    /// A letter is refused when its ticket summary holds every token of one name or address a removal kept, in any
    /// order and letter case among other words; her first name alone, an address's common words, or a name the removal
    /// let go of (a common phrase) name nobody.
    /// </summary>
    [SkippableFact]
    public async Task A_letter_is_refused_only_when_its_summary_holds_every_token_of_a_kept_name_or_address()
    {
        var stores = OpenAll();
        await stores.Customers.RememberErasedAsync("jane", [Mentions.QueryTokens("Jane Roe"), Mentions.QueryTokens("jane.roe@example.com"), Mentions.QueryTokens("Printer"), []], DateTimeOffset.UtcNow, default);
        await stores.Customers.RememberErasedAsync("jane", [Mentions.QueryTokens("Jane Roe")], DateTimeOffset.UtcNow, default);
        await stores.Customers.ForgetErasedAsync("jane", [Mentions.QueryTokens("Printer")], default);
        string[] summaries = ["Ask ROE, jane", "Mail from JANE.roe@example.com", "Ask Jane", "Mail from example.com", "Printer jammed"];

        var refused = new List<string>();
        foreach (var (index, summary) in summaries.Index())
        {
            try
            {
                await stores.Deliveries.AddAsync([Naming($"d-{index}", summary)], default);
            }
            catch (SummaryNamesErasedException)
            {
                refused.Add(summary);
            }
        }

        Assert.Equal(["Ask ROE, jane", "Mail from JANE.roe@example.com"], refused);
    }

    /// <summary>
    /// A delivery to a customer, released together with the ledger's record of their removal: it is not stored, or the
    /// erasure's read after <see cref="IDeliveryStore.WaitForWritesAsync"/> finds it. Checked before the write only, one
    /// stored unseen kept the address and name the erasure had just deleted everywhere else.
    /// </summary>
    [SkippableFact]
    public async Task A_delivery_to_a_customer_as_their_removal_is_recorded_is_refused_or_found_by_the_erasure()
    {
        var stores = OpenAll();
        for (var round = 0; round < 150; round++)
        {
            var customer = $"c-{round}";
            var (stored, found) = await RaceAsync(
                round,
                () => stores.Deliveries.AddAsync([Queued($"d-{round}", Now) with { RecipientCustomerId = customer, AddressHash = $"h-{round}" }], default),
                async () =>
                {
                    await stores.Ledger.StartAsync(Removal(customer, $"h-{round}"), default);
                    await stores.Deliveries.WaitForWritesAsync(default);
                    return await stores.Deliveries.ListToRecipientAsync(customer, $"h-{round}", default);
                });

            Assert.True(stored == 1 ? found.Count == 1 : found.Count == 0 && await stores.Deliveries.GetAsync($"d-{round}", default) is null, $"round {round}: stored {stored}, found {found.Count}");
        }
    }

    /// <summary>
    /// A letter whose summary names a customer, released together with the removal keeping their name: it is refused,
    /// or the erasure's search after <see cref="IDeliveryStore.WaitForWritesAsync"/> finds it.
    /// </summary>
    [SkippableFact]
    public async Task A_letter_naming_a_customer_as_their_name_is_kept_is_refused_or_found_by_the_erasure()
    {
        var stores = OpenAll();
        for (var round = 0; round < 150; round++)
        {
            var name = $"Jane Doe{round:D2}x";
            var (stored, found) = await RaceAsync(
                round,
                async () =>
                {
                    try
                    {
                        return await stores.Deliveries.AddAsync([Naming($"n-{round}", name)], default);
                    }
                    catch (SummaryNamesErasedException)
                    {
                        return 0;
                    }
                },
                async () =>
                {
                    await stores.Customers.RememberErasedAsync($"c-{round}", [Mentions.QueryTokens(name)], DateTimeOffset.UtcNow, default);
                    await stores.Deliveries.WaitForWritesAsync(default);
                    return await stores.Deliveries.ListMentioningAsync([Mentions.QueryTokens(name)], default);
                });

            Assert.True(stored == 1 ? found.Count == 1 : found.Count == 0 && await stores.Deliveries.GetAsync($"n-{round}", default) is null, $"round {round}: stored {stored}, found {found.Count}");
        }
    }

    /// <summary>
    /// The sender's update of a delivery stored without mention tokens, released together with the backfill giving it
    /// its tokens: the delivery keeps both, the update's status and the backfill's tokens. An update writing back the
    /// tokens it read before the backfill's commit left the delivery for every later erasure to read whole.
    /// </summary>
    [SkippableFact]
    public async Task A_sender_s_update_as_the_backfill_indexes_the_delivery_keeps_the_update_and_the_tokens()
    {
        var stores = OpenAll();
        for (var round = 0; round < 100; round++)
        {
            var id = $"d-{round}";
            await stores.Deliveries.AddAsync([Naming(id, $"Jane Doe{round:D2}x")], default);
            await stores.ForgetMentionTokensAsync(id);
            var queued = (await stores.Deliveries.GetAsync(id, default))!;

            var (updated, _) = await RaceAsync(
                round,
                async () => await stores.Deliveries.UpdateAsync(queued with { Status = DeliveryStatus.Sent, SentAt = Now }, default) ? 1 : 0,
                async () =>
                {
                    await stores.Deliveries.IndexMentionsAsync(int.MaxValue, delivery => delivery.MentionTexts, default);
                    return [];
                });

            var stored = await stores.Deliveries.GetAsync(id, default);
            var unindexed = await stores.Deliveries.IndexMentionsAsync(int.MaxValue, _ => [], default);
            Assert.True((updated, stored?.Status, unindexed) == (1, DeliveryStatus.Sent, 0), $"round {round}: updated {updated}, {stored?.Status}, {unindexed} left without tokens");
        }
    }

    /// <summary>
    /// Letters naming a customer, written without mention tokens, as the backfill indexes them (one commit each) while an
    /// erasure searches: the search finds every one, by its tokens or as one without. Its two reads taken apart, a letter
    /// indexed between them was unindexed for the first and indexed for the second, and found by neither.
    /// </summary>
    [SkippableFact]
    public async Task Letters_the_backfill_indexes_during_the_erasure_s_search_are_all_found()
    {
        var stores = OpenAll();
        for (var round = 0; round < 20; round++)
        {
            var name = $"Jane Doe{round:D2}x";
            var ids = Enumerable.Range(0, 50).Select(letter => $"d-{round}-{letter}").ToList();
            await stores.Deliveries.AddAsync([.. ids.Select(id => Naming(id, name))], default);
            foreach (var id in ids)
            {
                await stores.ForgetMentionTokensAsync(id);
            }

            var (_, found) = await RaceAsync(
                round,
                () => stores.Deliveries.IndexMentionsAsync(int.MaxValue, delivery => delivery.MentionTexts, default),
                () => stores.Deliveries.ListMentioningAsync([Mentions.QueryTokens(name)], default));

            Assert.True(found.Count == ids.Count, $"round {round}: {ids.Count - found.Count} of {ids.Count} not found");
        }
    }

    /// <summary>
    /// Runs the two released together, behind a barrier, the write staggered by up to about half a millisecond as the
    /// round goes, so some writes begin only as the erasure waits or reads.
    /// </summary>
    private static async Task<(int Stored, IReadOnlyList<Deliveries.Delivery> Found)> RaceAsync(
        int round, Func<Task<int>> write, Func<Task<IReadOnlyList<Deliveries.Delivery>>> erase)
    {
        using var start = new Barrier(2);
        var writing = Task.Run(() =>
        {
            start.SignalAndWait(TimeSpan.FromSeconds(10));
            Thread.SpinWait(round % 10 * 2_000);
            return write();
        });
        var erasing = Task.Run(() =>
        {
            start.SignalAndWait(TimeSpan.FromSeconds(10));
            return erase();
        });
        return (await writing, await erasing);
    }

    private static ErasureRecord Removal(string customerId, string addressHash) =>
        new($"request-{customerId}", customerId, addressHash, Contracts.Events.V1.ErasureMode.Anonymize, ErasureState.Started, new Dictionary<string, long>(), Now);

    private static Deliveries.Delivery Naming(string id, string name) =>
        Queued(id, Now) with { Message = new RenderedMessage($"[HELP-1] Ticket updated: {name} cannot print", "Text", "<p>Html</p>") };

    private static async Task<IReadOnlyList<string>> MentioningAsync(IDeliveryStore store, string needle) =>
        [.. (await store.ListMentioningAsync([Mentions.QueryTokens(needle)], default)).Select(delivery => delivery.Id).Order(StringComparer.Ordinal)];

    /// <summary>Keyed as every test host's are (<see cref="ServiceHost.TombstonePepper"/>).</summary>
    public static MentionTokens Mentions { get; } = new(new TombstonePepper(Convert.FromBase64String(ServiceHost.TombstonePepper)));

    protected IDeliveryStore Open() => OpenAll().Deliveries;

    protected DeliveryStores OpenAll()
    {
        var stores = open();
        _opened.Add(stores.Database);
        return stores;
    }

    protected static Deliveries.Delivery Queued(string id, DateTimeOffset at) => new()
    {
        Id = id,
        TicketId = "HELP-1",
        ProjectKey = "HELP",
        RecipientCustomerId = "c1",
        RecipientAddress = "someone@example.test",
        RecipientName = "Some One",
        AddressHash = "h1",
        Template = "ticket-created",
        Message = new RenderedMessage("Subject", "Text", "<p>Html</p>"),
        Status = DeliveryStatus.Queued,
        NextAttemptAt = at,
        CreatedAt = at,
    };
}

public sealed class LiteDbDeliveryStoreTests() : DeliveryStoreContract(() => DeliveryStores.LiteDb(StoreBackends.NewLiteDatabase("notification")))
{
    /// <summary>
    /// Through the recipient index LiteDB read every delivery to the recipient and sorted them, with a new 800 KB
    /// buffer per page (a large object each), however few there were.
    /// </summary>
    [Fact]
    public async Task A_recipient_s_page_is_read_without_sorting_in_LiteDB()
    {
        var store = Open();
        var deliveries = Enumerable.Range(0, 30).Select(second => Queued($"d{second:D2}", Now.AddSeconds(-second))).ToList();
        await store.AddAsync(deliveries, default);

        await store.ListAsync(new DeliveryQuery(null, "c1", null, null, 10), default);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var page = store.ListAsync(new DeliveryQuery(null, "c1", null, deliveries[9].ListOrder, 10), default);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(deliveries.Skip(10).Take(10).Select(delivery => delivery.Id), (await page).Select(delivery => delivery.Id));
        Assert.True(allocated < 300_000, $"allocated {allocated:N0} bytes");
    }

    /// <summary>A file written with the index of the recipient alone loses it at open, and its deliveries are still found.</summary>
    [Fact]
    public async Task A_file_with_the_former_recipient_index_loses_it_and_still_finds_a_recipient_s_deliveries()
    {
        var directory = TestDirectory.Create("deliveries-former");
        using (var former = LiteDbFiles.Open(new StorageOptions { DataDirectory = directory }, "notification"))
        {
            await DeliveryStores.LiteDb(former).Deliveries.AddAsync([Queued("kept", Now), Queued("other", Now) with { RecipientCustomerId = "c2", AddressHash = "h2" }], default);
            former.GetCollection("deliveries").EnsureIndex("recipient", "$.RecipientCustomerId");
        }

        using var database = LiteDbFiles.Open(new StorageOptions { DataDirectory = directory }, "notification");
        var store = DeliveryStores.LiteDb(database).Deliveries;

        Assert.DoesNotContain("recipient", StoreBackends.IndexNamesOf(database, "deliveries"));
        Assert.Equal(["kept"], (await store.ListToRecipientAsync("c1", "h-none", default)).Select(delivery => delivery.Id));
    }
}

public sealed class MongoDeliveryStoreTests() : DeliveryStoreContract(() =>
{
    var database = StoreBackends.NewMongoDatabase(MongoDeliveryStore.Indexes, MongoErasureLedger.Indexes, MongoKnownCustomerStore.Indexes);
    var ledger = new MongoErasureLedger(database, new MongoOutboxStore(database));
    var customers = new MongoKnownCustomerStore(database, ledger);
    return new DeliveryStores(new MongoDeliveryStore(database, ledger, customers, Mentions), ledger, customers, null, id => database.GetCollection<MongoDB.Bson.BsonDocument>("deliveries").UpdateOneAsync(
        Builders<MongoDB.Bson.BsonDocument>.Filter.Eq("_id", id), Builders<MongoDB.Bson.BsonDocument>.Update.Unset("MentionTokens").Unset("MentionIndex")));
});
