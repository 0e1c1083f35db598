using Google.Protobuf;
using LiteDB;
using Google.Protobuf.WellKnownTypes;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Directory.Customers;
using ServiceDesk.Directory.Erasure;
using ServiceDesk.Directory.Keys;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Inbox;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Storage;
using ServiceDesk.Storage.LiteDb;
using ServiceDesk.Testing;
using Xunit;
using Customer = ServiceDesk.Directory.Customers.Customer;
using ErasureMode = ServiceDesk.Contracts.Directory.V1.ErasureMode;

namespace ServiceDesk.Directory.Tests.Stores;

public abstract class ErasureStoreContract(IStoreBackend backend) : IDisposable
{
    public void Dispose() => (backend as IDisposable)?.Dispose();

    protected sealed record Stores(IErasureStore Erasures, ICustomerStore Customers, ICustomerKeyStore Keys, IOutboxStore Outbox, IInboxStore Inbox);

    protected Stores NewStores() => backend.Open(
        LiteDbStoresOf,
        db =>
        {
            var outbox = new MongoOutboxStore(db);
            var customers = new MongoCustomerStore(db, outbox, TestData.Pepper);
            var keys = new MongoCustomerKeyStore(db, TestKeyProtection.Wrapper, TimeProvider.System);
            return new Stores(new MongoErasureStore(db, customers, keys, outbox), customers, keys, outbox, new MongoInboxStore(db, TimeProvider.System));
        });

    protected static Stores LiteDbStoresOf(LiteDatabase db)
    {
        var outbox = new LiteDbOutboxStore(db);
        var customers = new LiteDbCustomerStore(db, outbox, TestData.Pepper);
        var keys = new LiteDbCustomerKeyStore(db, TestKeyProtection.Wrapper, TimeProvider.System);
        return new Stores(new LiteDbErasureStore(db, customers, keys, outbox, Microsoft.Extensions.Logging.Abstractions.NullLogger<LiteDbErasureStore>.Instance), customers, keys, outbox, new LiteDbInboxStore(db, TimeProvider.System));
    }

    [SkippableFact]
    public async Task A_removal_writes_the_request_and_tombstone_and_deletes_profile_and_key_with_its_event_in_one_step()
    {
        var stores = NewStores();
        var jane = await NewCustomerAsync(stores, "Jane Roe", "HELP");
        var key = await stores.Keys.GetOrCreateForCustomerAsync(jane.Id, default);
        var request = Removal(jane);

        Assert.NotNull(await RemoveAsync(stores, request, replacesVersion: null, jane, [], [Event("removal")], default));

        Assert.Null(await stores.Customers.GetAsync(jane.Id, default));
        Assert.NotNull((await stores.Keys.FindAsync(key.KeyId, default))!.Destroyed);
        await Assert.ThrowsAsync<CustomerKeyDestroyedException>(() => stores.Keys.GetOrCreateForCustomerAsync(jane.Id, default));
        Assert.Equal(request.Id, await stores.Erasures.FindErasureOfAddressAsync(TestData.Pepper.HashAddress(jane.Address), default));
        Assert.Equal(request, await stores.Erasures.GetAsync(request.Id, default), RecordComparer);
        Assert.Contains("removal", (await stores.Outbox.ReadPendingAsync(100, default)).Select(e => e.EventId));
    }

    [SkippableFact]
    public async Task A_removal_raises_the_change_stamps_of_the_customers_projects_and_a_refused_one_none()
    {
        var stores = NewStores();
        var jane = await NewCustomerAsync(stores, "Jane Roe", "HELP", "SALES");
        await NewCustomerAsync(stores, "John Roe", "HELP");

        Assert.Null(await RemoveAsync(stores, Removal(jane), replacesVersion: null, jane with { Version = 7 }, [], [], default));
        var stamps = await RemoveAsync(stores, Removal(jane), replacesVersion: null, jane, [], [], default);

        Assert.Equal(new Dictionary<string, long> { ["HELP"] = 3, ["SALES"] = 2 }, stamps);
        Assert.Equal(3, await stores.Customers.GetChangeStampAsync("HELP", default));
        Assert.Equal(2, await stores.Customers.GetChangeStampAsync("SALES", default));
    }

    [SkippableFact]
    public async Task A_removal_of_a_customer_changed_meanwhile_writes_nothing()
    {
        var stores = NewStores();
        var jane = await NewCustomerAsync(stores, "Jane Roe", "HELP");
        Assert.NotNull(await stores.Customers.ReplaceAsync(jane with { DisplayName = "Jane Doe", Version = 2 }, 1, [], default));
        var request = Removal(jane);

        Assert.Null(await RemoveAsync(stores, request, replacesVersion: null, jane, [], [Event("stale removal")], default));

        Assert.NotNull(await stores.Customers.GetAsync(jane.Id, default));
        Assert.Null(await stores.Erasures.GetAsync(request.Id, default));
        Assert.Null(await stores.Erasures.FindErasureOfAddressAsync(TestData.Pepper.HashAddress(jane.Address), default));
        Assert.DoesNotContain("stale removal", (await stores.Outbox.ReadPendingAsync(100, default)).Select(e => e.EventId));
    }

    [SkippableFact]
    public async Task A_customer_has_at_most_one_open_request_and_a_rejected_one_does_not_count()
    {
        var stores = NewStores();
        var jane = await NewCustomerAsync(stores, "Jane Roe", "HELP");
        var first = Awaiting(jane.Id);

        Assert.True(await stores.Erasures.InsertAwaitingAsync(first, default));
        Assert.False(await stores.Erasures.InsertAwaitingAsync(Awaiting(jane.Id), default));
        Assert.Null(await RemoveAsync(stores, Removal(jane), replacesVersion: null, jane, [], [], default));
        Assert.Equal(first.Id, (await stores.Erasures.FindActiveForCustomerAsync(jane.Id, default))!.Id);

        var rejected = (first with { Status = ErasureStatus.Rejected, Rejection = new ErasureDecision("admin", 1, TestData.Now) }).Touched(TestData.Now);
        Assert.True(await stores.Erasures.ReplaceAsync(rejected, first.Version, [], liftTombstone: false, default));

        Assert.Null(await stores.Erasures.FindActiveForCustomerAsync(jane.Id, default));
        Assert.True(await stores.Erasures.InsertAwaitingAsync(Awaiting(jane.Id), default));
    }

    [SkippableFact]
    public async Task Approving_replaces_the_awaiting_request_only_at_its_version()
    {
        var stores = NewStores();
        var jane = await NewCustomerAsync(stores, "Jane Roe", "HELP");
        var awaiting = Awaiting(jane.Id);
        await stores.Erasures.InsertAwaitingAsync(awaiting, default);
        var approved = (Removal(jane) with { Id = awaiting.Id, ApprovedBy = "admin" }).Touched(TestData.Now);

        Assert.Null(await RemoveAsync(stores, approved, awaiting.Version + 1, jane, [], [], default));
        Assert.NotNull(await RemoveAsync(stores, approved, awaiting.Version, jane, [], [], default));

        Assert.Equal(approved, await stores.Erasures.GetAsync(awaiting.Id, default), RecordComparer);
        Assert.Null(await stores.Customers.GetAsync(jane.Id, default));
    }

    [SkippableFact]
    public async Task A_stale_replace_is_refused_and_a_reinstatement_lifts_the_tombstone()
    {
        var stores = NewStores();
        var jane = await NewCustomerAsync(stores, "Jane Roe", "HELP");
        var request = Removal(jane);
        await RemoveAsync(stores, request, replacesVersion: null, jane, [], [], default);
        var reinstated = (request with { Reinstatement = new ErasureDecision("admin", 2, TestData.Now) }).Touched(TestData.Now);

        Assert.False(await stores.Erasures.ReplaceAsync(reinstated, request.Version - 1, [], liftTombstone: true, default));
        Assert.Equal(request.Id, await stores.Erasures.FindErasureOfAddressAsync(request.AddressHash!, default));
        Assert.True(await stores.Erasures.ReplaceAsync(reinstated, request.Version, [Event("reinstated")], liftTombstone: true, default));

        Assert.Null(await stores.Erasures.FindErasureOfAddressAsync(request.AddressHash!, default));
        Assert.Equal(reinstated, await stores.Erasures.GetAsync(request.Id, default), RecordComparer);
    }

    [SkippableFact]
    public async Task A_removal_tombstones_the_former_addresses_with_the_current_one_and_a_reinstatement_lifts_them_all()
    {
        var stores = NewStores();
        var jane = await NewCustomerAsync(stores, "Jane Roe", "HELP");
        FormerAddress[] former = [new("jane@old.example", "hash-old-1"), new("jane@older.example", "hash-old-2")];
        var request = Removal(jane) with { FormerAddressHashes = [.. former.Select(address => address.Hash)] };

        Assert.NotNull(await RemoveAsync(stores, request, replacesVersion: null, jane, former, [], default));

        Assert.All(await Task.WhenAll(request.TombstonedHashes.Select(hash => stores.Erasures.FindErasureOfAddressAsync(hash, default))), erasure => Assert.Equal(request.Id, erasure));
        Assert.Equal(3, request.TombstonedHashes.Count);
        Assert.Equal(request, await stores.Erasures.GetAsync(request.Id, default), RecordComparer);
        var reinstated = (request with { Reinstatement = new ErasureDecision("admin", 2, TestData.Now) }).Touched(TestData.Now);
        Assert.True(await stores.Erasures.ReplaceAsync(reinstated, request.Version, [], liftTombstone: true, default));
        Assert.All(await Task.WhenAll(request.TombstonedHashes.Select(hash => stores.Erasures.FindErasureOfAddressAsync(hash, default))), Assert.Null);
    }

    [SkippableFact]
    public async Task A_removal_whose_former_address_became_a_customer_s_or_another_removal_s_meanwhile_writes_nothing()
    {
        var stores = NewStores();
        var jane = await NewCustomerAsync(stores, "Jane Roe", "HELP");
        var john = await NewCustomerAsync(stores, "John Roe", "HELP");
        var ann = await NewCustomerAsync(stores, "Ann Roe", "HELP");
        var annsRemoval = Removal(ann);
        Assert.NotNull(await RemoveAsync(stores, annsRemoval, replacesVersion: null, ann, [], [], default));

        FormerAddress taken = new(john.Address, "hash-john");
        FormerAddress tombstoned = new("ann@old.example", annsRemoval.AddressHash!);
        foreach (var former in new[] { taken, tombstoned })
        {
            var request = Removal(jane) with { FormerAddressHashes = [former.Hash] };

            Assert.Null(await RemoveAsync(stores, request, replacesVersion: null, jane, [former], [Event("stale removal")], default));

            Assert.NotNull(await stores.Customers.GetAsync(jane.Id, default));
            Assert.Null(await stores.Erasures.GetAsync(request.Id, default));
            Assert.Null(await stores.Erasures.FindErasureOfAddressAsync(request.AddressHash!, default));
        }

        Assert.Null(await stores.Erasures.FindErasureOfAddressAsync(taken.Hash, default));
        Assert.Equal(annsRemoval.Id, await stores.Erasures.FindErasureOfAddressAsync(tombstoned.Hash, default));
        Assert.DoesNotContain("stale removal", (await stores.Outbox.ReadPendingAsync(100, default)).Select(e => e.EventId));
    }

    [SkippableFact]
    public async Task No_customer_is_written_at_a_tombstoned_address_until_it_is_reinstated()
    {
        var stores = NewStores();
        var jane = await NewCustomerAsync(stores, "Jane Roe", "HELP");
        var john = await NewCustomerAsync(stores, "John Roe", "HELP");
        var request = Removal(jane);
        Assert.NotNull(await RemoveAsync(stores, request, replacesVersion: null, jane, [], [], default));
        var pendingBefore = (await stores.Outbox.ReadPendingAsync(100, default)).Count;

        var inserted = await Assert.ThrowsAsync<AddressErasedException>(() =>
            stores.Customers.InsertAsync(TestData.Customer(jane.Address, projectKeys: "HELP"), [Event("x insert at an erased address")], default));
        var moved = await Assert.ThrowsAsync<AddressErasedException>(() =>
            stores.Customers.ReplaceAsync((john with { Address = jane.Address }).StampedAfter(john, TestData.Now), john.Version, [Event("x move to an erased address")], default));

        // A subaddress reaches her mailbox: jane+desk@ is hers as much; jane.roe+desk@ of another mailbox is not.
        var local = jane.Address.Split('@');
        var tagged = await Assert.ThrowsAsync<AddressErasedException>(() =>
            stores.Customers.InsertAsync(TestData.Customer($"{local[0]}+desk@{local[1]}", projectKeys: "HELP"), [Event("x insert at a subaddress")], default));
        var movedToTag = await Assert.ThrowsAsync<AddressErasedException>(() =>
            stores.Customers.ReplaceAsync((john with { Address = $"{local[0]}+news@{local[1]}" }).StampedAfter(john, TestData.Now), john.Version, [Event("x move to a subaddress")], default));
        await stores.Customers.InsertAsync(TestData.Customer($"{local[0]}x+desk@{local[1]}", projectKeys: "HELP"), [], default);

        Assert.Equal([request.Id, request.Id, request.Id, request.Id], [inserted.ErasureId, moved.ErasureId, tagged.ErasureId, movedToTag.ErasureId]);
        Assert.Null(await stores.Customers.FindByAddressAsync(jane.Address, default));
        Assert.Equal((john.Address, john.Version), await stores.Customers.GetAsync(john.Id, default) is { } stored ? (stored.Address, stored.Version) : default);
        Assert.Equal(pendingBefore, (await stores.Outbox.ReadPendingAsync(100, default)).Count);
        // A change that keeps the address is no claim on it.
        Assert.NotNull(await stores.Customers.ReplaceAsync((john with { DisplayName = "John Doe" }).StampedAfter(john, TestData.Now), john.Version, [], default));

        var reinstated = (request with { Reinstatement = new ErasureDecision("admin", 2, TestData.Now) }).Touched(TestData.Now);
        Assert.True(await stores.Erasures.ReplaceAsync(reinstated, request.Version, [], liftTombstone: true, default));
        await stores.Customers.InsertAsync(TestData.Customer(jane.Address, projectKeys: "HELP"), [], default);
        Assert.NotNull(await stores.Customers.FindByAddressAsync(jane.Address, default));
    }

    /// <summary>
    /// A customer created with the removed customer's address while the removal commits: whichever comes first, the
    /// address ends tombstoned and no customer's (before the removal the address is still the removed customer's).
    /// </summary>
    [SkippableFact]
    public async Task A_customer_created_with_the_address_of_a_removal_committing_at_that_moment_is_refused()
    {
        var stores = NewStores();
        for (var round = 0; round < 40; round++)
        {
            var jane = await NewCustomerAsync(stores, "Jane Roe", "HELP");
            using var start = new Barrier(2);
            var removal = Task.Run(() => AfterBoth(start, () => RemoveAsync(stores, Removal(jane), replacesVersion: null, jane, [], [], default)));
            var insert = Task.Run(() => AfterBoth(start, () => stores.Customers.InsertAsync(TestData.Customer(jane.Address, projectKeys: "HELP"), [], default)));

            Assert.NotNull(await removal);
            var refused = await Record.ExceptionAsync(() => insert);
            Assert.True(refused is AddressErasedException or AddressTakenException, $"round {round}: the insert was not refused ({refused})");
            Assert.Null(await stores.Customers.FindByAddressAsync(jane.Address, default));
        }
    }

    /// <summary>
    /// A customer created with a former address of a customer whose removal commits at that moment: the address ends
    /// the new customer's (the removal wrote nothing, to be tried again) or tombstoned (the insert was refused), never
    /// both.
    /// </summary>
    [SkippableFact]
    public async Task A_former_address_taken_while_its_removal_commits_ends_the_new_customer_s_or_tombstoned_never_both()
    {
        var stores = NewStores();
        for (var round = 0; round < 40; round++)
        {
            var before = await NewCustomerAsync(stores, "Jane Roe", "HELP");
            var jane = (before with { Address = TestData.Address("jane") }).StampedAfter(before, TestData.Now);
            Assert.NotNull(await stores.Customers.ReplaceAsync(jane, before.Version, [], default));
            FormerAddress former = new(before.Address, TestData.Pepper.HashAddress(before.Address));

            using var start = new Barrier(2);
            var removal = Task.Run(() => AfterBoth(start, () => RemoveAsync(stores, 
                Removal(jane) with { FormerAddressHashes = [former.Hash] }, replacesVersion: null, jane, [former], [], default)));
            var insert = Task.Run(() => AfterBoth(start, () => stores.Customers.InsertAsync(TestData.Customer(former.Address, projectKeys: "HELP"), [], default)));
            var removed = await removal is not null;
            var refused = await Record.ExceptionAsync(() => insert);

            var tombstoned = await stores.Erasures.FindErasureOfAddressAsync(former.Hash, default) is not null;
            var taken = await stores.Customers.FindByAddressAsync(former.Address, default) is not null;
            Assert.True(tombstoned != taken, $"round {round}: tombstoned {tombstoned}, a customer's {taken}");
            Assert.Equal((removed, refused is AddressErasedException), (tombstoned, tombstoned));
        }
    }

    [SkippableFact]
    public async Task A_receipt_is_folded_only_at_its_version_with_its_event_recorded_as_handled_once()
    {
        var stores = NewStores();
        var jane = await NewCustomerAsync(stores, "Jane Roe", "HELP");
        var request = Removal(jane);
        await RemoveAsync(stores, request, replacesVersion: null, jane, [], [], default);
        var receipt = new EventContext("receipt-1", "identity", TestData.Now, "erasure-receipts", "1-0");
        var folded = request.Touched(TestData.Now);

        Assert.False(await stores.Erasures.FoldReceiptAsync(folded, request.Version - 1, receipt, default));
        Assert.False(await stores.Inbox.IsHandledAsync(receipt.EventId, default));
        Assert.True(await stores.Erasures.FoldReceiptAsync(folded, request.Version, receipt, default));
        Assert.True(await stores.Inbox.IsHandledAsync(receipt.EventId, default));
        Assert.Equal(folded, await stores.Erasures.GetAsync(request.Id, default), RecordComparer);

        // The same receipt delivered again, its record committed by the first delivery: nothing is written.
        await Assert.ThrowsAsync<EventAlreadyHandledException>(() =>
            stores.Erasures.FoldReceiptAsync(folded.Touched(TestData.Now), folded.Version, receipt, default));
        Assert.Equal(folded, await stores.Erasures.GetAsync(request.Id, default), RecordComparer);
    }

    [SkippableFact]
    public async Task A_removal_keeps_its_sealed_profile_and_key_until_both_its_readers_are_done()
    {
        var stores = NewStores();
        var jane = await NewCustomerAsync(stores, "Jane Roe", "HELP");
        var request = Removal(jane) with
        {
            Participants = [.. ErasureRecord.ParticipantServices.Select(service => service == "directory" ? Removal(jane).Participants[0] : ParticipantRecord.Pending(service, TestData.Now))],
        };
        var profile = RemovalProfile.Of(jane, request.Id, stores.Keys, TestData.Pepper);
        Assert.NotNull(await stores.Erasures.RemoveCustomerAsync(request, replacesVersion: null, jane, [], profile, [], default));

        Assert.Equal(profile.Sealed, await stores.Erasures.FindRemovalProfileAsync(request.Id, default));
        var key = await stores.Keys.FindAsync(profile.Key.Key.KeyId, default);
        Assert.Equal(RemovalProfile.KeyOwnerOf(request.Id), key!.CustomerId);
        Assert.Null(key.Destroyed);
        Assert.Equal(profile.Key.Key.Key.ToByteArray(), key.Key);

        // Ticketing done, Notification not yet: both are kept.
        var ticketingDone = request.WithReceipt(new ParticipantRecord("ticketing", ParticipantState.Done, new Dictionary<string, long>(), null, TestData.Now), TestData.Now);
        Assert.True(await stores.Erasures.FoldReceiptAsync(ticketingDone, request.Version, new EventContext("receipt-1", "ticketing", TestData.Now, "erasure-receipts", "1-0"), default));
        Assert.NotNull(await stores.Erasures.FindRemovalProfileAsync(request.Id, default));
        Assert.Null((await stores.Keys.FindAsync(profile.Key.Key.KeyId, default))!.Destroyed);

        // Notification done too: both go, though Identity is still pending.
        var readersDone = ticketingDone.WithReceipt(new ParticipantRecord("notification", ParticipantState.Done, new Dictionary<string, long>(), null, TestData.Now), TestData.Now);
        Assert.Equal(ErasureStatus.InProgress, readersDone.Status);
        Assert.True(await stores.Erasures.FoldReceiptAsync(readersDone, ticketingDone.Version, new EventContext("receipt-2", "notification", TestData.Now, "erasure-receipts", "2-0"), default));

        Assert.Null(await stores.Erasures.FindRemovalProfileAsync(request.Id, default));
        var destroyed = await stores.Keys.FindAsync(profile.Key.Key.KeyId, default);
        Assert.NotNull(destroyed!.Destroyed);
        Assert.Empty(destroyed.Key);
    }

    /// <summary>
    /// A reinstatement and a receipt's fold written at once, both from the same version: one is written and the
    /// other refused (its caller reads the request again), never both with the second overwriting the first. The
    /// gateway's test once saw a reinstatement vanish this way, folded over by the last receipt.
    /// </summary>
    [SkippableFact]
    public async Task Two_changes_of_one_request_from_the_same_version_write_one_and_refuse_the_other()
    {
        var stores = NewStores();
        for (var round = 0; round < 100; round++)
        {
            var jane = await NewCustomerAsync(stores, "Jane Roe", "HELP");
            var request = Removal(jane);
            Assert.NotNull(await RemoveAsync(stores, request, replacesVersion: null, jane, [], [], default));
            var reinstated = (request with { Reinstatement = new ErasureDecision("admin", 2, TestData.Now) }).Touched(TestData.Now);
            var folded = request.Touched(TestData.Now);
            var receipt = new EventContext(TestData.Id(), "identity", TestData.Now, "erasure-receipts", "1-0");

            using var start = new Barrier(2);
            var reinstating = Task.Run(() => AfterBoth(start, () => stores.Erasures.ReplaceAsync(reinstated, request.Version, [], liftTombstone: true, default)));
            var folding = Task.Run(() => AfterBoth(start, () => stores.Erasures.FoldReceiptAsync(folded, request.Version, receipt, default)));
            bool[] written = [await reinstating, await folding];

            Assert.Equal(1, written.Count(w => w));
            Assert.Equal(written[0] ? reinstated : folded, await stores.Erasures.GetAsync(request.Id, default), RecordComparer);
        }
    }

    [SkippableFact]
    public async Task A_customers_own_list_holds_their_requests_newest_first_and_nobody_elses()
    {
        var stores = NewStores();
        var jane = TestData.Id();
        var first = Awaiting(jane, TestData.Now.AddDays(-3)) with { Status = ErasureStatus.Rejected };
        var someoneElses = Awaiting(TestData.Id(), TestData.Now.AddDays(-2));
        var second = Awaiting(jane, TestData.Now.AddDays(-1));
        foreach (var request in new[] { first, someoneElses, second })
        {
            Assert.True(await stores.Erasures.InsertAwaitingAsync(request, default));
        }

        Assert.Equal([second.Id, first.Id], (await stores.Erasures.ListAsync(new ErasureQuery(jane, null, null, null, null, 10), default)).Select(r => r.Id));
        Assert.Equal([second.Id], (await stores.Erasures.ListAsync(new ErasureQuery(jane, null, null, null, null, 1), default)).Select(r => r.Id));
        Assert.Equal([first.Id], (await stores.Erasures.ListAsync(new ErasureQuery(jane, null, null, null, second.Id, 10), default)).Select(r => r.Id));
        Assert.Equal([first.Id], (await stores.Erasures.ListAsync(new ErasureQuery(jane, ErasureStatus.Rejected, null, null, null, 10), default)).Select(r => r.Id));
        Assert.Empty(await stores.Erasures.ListAsync(new ErasureQuery(TestData.Id(), null, null, null, null, 10), default));
    }

    [SkippableFact]
    public async Task Requests_list_newest_first_by_status_and_overdue_a_page_at_a_time()
    {
        var stores = NewStores();
        var old = Awaiting(TestData.Id(), TestData.Now.AddDays(-40));
        var recent = Awaiting(TestData.Id(), TestData.Now.AddDays(-1));
        var rejected = (Awaiting(TestData.Id(), TestData.Now.AddDays(-35)) with { Status = ErasureStatus.Rejected });
        var rejectedLater = (Awaiting(TestData.Id(), TestData.Now.AddDays(-2)) with { Status = ErasureStatus.Rejected });
        foreach (var request in new[] { old, rejected, recent, rejectedLater })
        {
            Assert.True(await stores.Erasures.InsertAwaitingAsync(request, default));
        }

        var all = await stores.Erasures.ListAsync(new ErasureQuery(null, null, null, null, null, 10), default);
        Assert.Equal([recent.Id, rejectedLater.Id, rejected.Id, old.Id], all.Select(r => r.Id));
        Assert.Equal([rejected.Id, old.Id], (await stores.Erasures.ListAsync(new ErasureQuery(null, null, null, null, rejectedLater.Id, 10), default)).Select(r => r.Id));
        Assert.Equal([recent.Id], (await stores.Erasures.ListAsync(new ErasureQuery(null, null, null, null, null, 1), default)).Select(r => r.Id));
        Assert.Equal([rejectedLater.Id, rejected.Id], (await stores.Erasures.ListAsync(new ErasureQuery(null, ErasureStatus.Rejected, null, null, null, 10), default)).Select(r => r.Id));
        Assert.Equal([rejectedLater.Id], (await stores.Erasures.ListAsync(new ErasureQuery(null, ErasureStatus.Rejected, null, null, null, 1), default)).Select(r => r.Id));
        Assert.Equal([rejected.Id], (await stores.Erasures.ListAsync(new ErasureQuery(null, ErasureStatus.Rejected, null, null, rejectedLater.Id, 10), default)).Select(r => r.Id));
        Assert.Equal([recent.Id, old.Id], (await stores.Erasures.ListAsync(new ErasureQuery(null, ErasureStatus.AwaitingApproval, null, null, null, 10), default)).Select(r => r.Id));
        Assert.Equal([old.Id], (await stores.Erasures.ListAsync(new ErasureQuery(null, ErasureStatus.AwaitingApproval, null, null, recent.Id, 10), default)).Select(r => r.Id));
        Assert.Empty(await stores.Erasures.ListAsync(new ErasureQuery(null, ErasureStatus.Completed, null, null, null, 10), default));
        Assert.Equal([old.Id], (await stores.Erasures.ListAsync(new ErasureQuery(null, null, TestData.Now, null, null, 10), default)).Select(r => r.Id));
        Assert.Equal(1, await stores.Erasures.CountOverdueAsync(TestData.Now, default));
    }

    [SkippableFact]
    public async Task Requests_with_a_participant_pending_since_before_a_time_list_newest_first_a_page_at_a_time()
    {
        var stores = NewStores();
        var timeout = TimeSpan.FromMinutes(15);
        var received = TestData.Now.AddDays(-1);
        // Received a minute apart, so their ids sort in this order.
        ErasureRecord UnderWay(ErasureStatus status, TimeSpan pendingFor, ParticipantState state = ParticipantState.Pending) =>
            Awaiting(TestData.Id(), received = received.AddMinutes(1)) with
            {
                Status = status,
                Participants = [ParticipantRecord.Pending("identity", TestData.Now) with { State = ParticipantState.Done }, new("ticketing", state, new Dictionary<string, long>(), null, TestData.Now - pendingFor)],
            };
        var stuck = UnderWay(ErasureStatus.InProgress, TimeSpan.FromMinutes(20));
        var failedAndStuck = UnderWay(ErasureStatus.Failed, TimeSpan.FromHours(2));
        var recent = UnderWay(ErasureStatus.InProgress, TimeSpan.FromMinutes(5));
        var failedLongAgo = UnderWay(ErasureStatus.Failed, TimeSpan.FromHours(3), ParticipantState.Failed);
        var awaiting = UnderWay(ErasureStatus.AwaitingApproval, TimeSpan.FromHours(4));
        var newerStuck = UnderWay(ErasureStatus.InProgress, TimeSpan.FromHours(1));
        foreach (var request in new[] { stuck, failedAndStuck, recent, failedLongAgo, awaiting, newerStuck })
        {
            Assert.True(await stores.Erasures.InsertAwaitingAsync(request, default));
        }

        var pendingBefore = TestData.Now - timeout;
        Task<IReadOnlyList<ErasureRecord>> ListAsync(string? beforeId, int limit) =>
            stores.Erasures.ListAsync(new ErasureQuery(null, null, null, pendingBefore, beforeId, limit), default);

        Assert.Equal([newerStuck.Id, failedAndStuck.Id, stuck.Id], (await ListAsync(null, 10)).Select(r => r.Id));
        Assert.Equal([newerStuck.Id], (await ListAsync(null, 1)).Select(r => r.Id));
        Assert.Equal([failedAndStuck.Id, stuck.Id], (await ListAsync(newerStuck.Id, 10)).Select(r => r.Id));
        Assert.Equal([failedAndStuck.Id], (await stores.Erasures.ListAsync(new ErasureQuery(null, ErasureStatus.Failed, null, pendingBefore, null, 10), default)).Select(r => r.Id));
        Assert.Equal(
            [newerStuck.Id, failedLongAgo.Id, recent.Id, failedAndStuck.Id, stuck.Id],
            (await stores.Erasures.ListUnderWayAsync(default)).Select(r => r.Id).OrderDescending(StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task The_first_evidence_key_stored_is_the_one_kept()
    {
        var stores = NewStores();
        var first = new StoredEvidenceKey("k1", [1, 2, 3], "kek", TestData.Now);

        Assert.Equal("k1", (await stores.Erasures.GetOrAddEvidenceKeyAsync(first, default)).KeyId);
        var kept = await stores.Erasures.GetOrAddEvidenceKeyAsync(first with { KeyId = "k2", WrappedPrivateKey = [4] }, default);

        Assert.Equal("k1", kept.KeyId);
        Assert.Equal([1, 2, 3], kept.WrappedPrivateKey);
    }

    [SkippableFact]
    public async Task The_evidence_key_is_rewrapped_only_over_the_bytes_read()
    {
        var stores = NewStores();
        Assert.Null(await stores.Erasures.FindEvidenceKeyAsync(default));
        var read = await stores.Erasures.GetOrAddEvidenceKeyAsync(new StoredEvidenceKey("k1", [1, 2, 3], "old", TestData.Now), default);

        await stores.Erasures.RewrapEvidenceKeyAsync(read, read with { WrappedPrivateKey = [4, 5], KekId = "new" }, default);
        // A second re-wrap from the same read lost to the first: it changes nothing.
        await stores.Erasures.RewrapEvidenceKeyAsync(read, read with { WrappedPrivateKey = [6], KekId = "other" }, default);

        var stored = await stores.Erasures.FindEvidenceKeyAsync(default);
        Assert.Equal(("k1", "new"), (stored!.KeyId, stored.KekId));
        Assert.Equal([4, 5], stored.WrappedPrivateKey);
    }

    [SkippableFact]
    public async Task Two_first_uses_of_the_evidence_key_at_once_agree_on_one()
    {
        for (var round = 0; round < 20; round++)
        {
            var stores = NewStores();
            using var start = new Barrier(2);
            var first = Task.Run(() => AfterBoth(start, () => stores.Erasures.GetOrAddEvidenceKeyAsync(new StoredEvidenceKey("k1", [1], "kek", TestData.Now), default)));
            var second = Task.Run(() => AfterBoth(start, () => stores.Erasures.GetOrAddEvidenceKeyAsync(new StoredEvidenceKey("k2", [2], "kek", TestData.Now), default)));

            Assert.Equal((await first).KeyId, (await second).KeyId);
        }
    }

    /// <summary>
    /// Two requests of one customer's own removal at once: one is recorded, the other refused (on MongoDB the two write
    /// the customer's claim, so they conflict).
    /// </summary>
    [SkippableFact]
    public async Task Two_requests_for_one_customer_at_once_record_one()
    {
        var stores = NewStores();
        for (var round = 0; round < 100; round++)
        {
            var customerId = TestData.Id();
            using var start = new Barrier(2);
            var first = Task.Run(() => AfterBoth(start, () => stores.Erasures.InsertAwaitingAsync(Awaiting(customerId), default)));
            var second = Task.Run(() => AfterBoth(start, () => stores.Erasures.InsertAwaitingAsync(Awaiting(customerId), default)));

            Assert.Equal(1, new[] { await first, await second }.Count(recorded => recorded));
        }
    }

    /// <summary>The store's removal, with the request's sealed profile as the coordinator makes it.</summary>
    private static Task<IReadOnlyDictionary<string, long>?> RemoveAsync(
        Stores stores, ErasureRecord request, long? replacesVersion, Customer customer, IReadOnlyList<FormerAddress> formerAddresses, IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken) =>
        stores.Erasures.RemoveCustomerAsync(request, replacesVersion, customer, formerAddresses, RemovalProfile.Of(customer, request.Id, stores.Keys, TestData.Pepper), events, cancellationToken);

    /// <summary>Runs <paramref name="write"/> once the other writer of the pair is ready too, so the two overlap.</summary>
    protected static Task<T> AfterBoth<T>(Barrier start, Func<Task<T>> write)
    {
        start.SignalAndWait(TimeSpan.FromSeconds(10));
        return write();
    }

    private static readonly IEqualityComparer<ErasureRecord?> RecordComparer =
        EqualityComparer<ErasureRecord?>.Create((a, b) => ErasureRecordJsonText(a) == ErasureRecordJsonText(b));

    private static string ErasureRecordJsonText(ErasureRecord? record) => System.Text.Json.JsonSerializer.Serialize(record);

    protected static async Task<Customer> NewCustomerAsync(Stores stores, string displayName, params string[] projectKeys)
    {
        var customer = TestData.Customer(displayName: displayName, projectKeys: projectKeys);
        await stores.Customers.InsertAsync(customer, [], default);
        return customer;
    }

    protected static ErasureRecord Removal(Customer customer) =>
        Awaiting(customer.Id) with
        {
            Status = ErasureStatus.InProgress,
            AddressHash = TestData.Pepper.HashAddress(customer.Address),
            Participants = [new ParticipantRecord("directory", ParticipantState.Done, new Dictionary<string, long> { ["profiles_deleted"] = 1 }, null, TestData.Now)],
        };

    protected static ErasureRecord Awaiting(string customerId, DateTimeOffset? receivedAt = null)
    {
        var at = receivedAt ?? TestData.Now;
        return new ErasureRecord(
            Guid.CreateVersion7(at).ToString("N"), customerId, null, ErasureMode.Anonymize, ErasureReason.CustomerRequest, null, "account", null,
            ErasureStatus.AwaitingApproval, at, at + ErasureRecord.TimeToComply, null, [ParticipantRecord.Pending("identity", at)], at, Version: 1);
    }

    private static OutgoingEvent Event(string id) =>
        OutgoingEvent.From("erasure", new EventEnvelope { EventId = id, Source = "directory", OccurredAt = Timestamp.FromDateTimeOffset(TestData.Now), Payload = Any.Pack(new CustomerErasureRequested { RequestId = id }) });
}

public sealed class LiteDbErasureStoreTests() : ErasureStoreContract(new LiteDbBackend())
{
    /// <summary>
    /// The final-profile key destroyed as its readers' receipts are folded leaves the file and its log about a second
    /// later, with no removal after it whose checkpoint would take it along.
    /// </summary>
    [Fact]
    public async Task A_destroyed_final_profile_key_leaves_the_file_and_its_log_soon_after_the_fold_without_another_removal()
    {
        var dataDirectory = TestDirectory.Create("litedb-final-profile-key");
        using var database = LiteDbFiles.Open(new StorageOptions { DataDirectory = dataDirectory }, "contract");
        var stores = LiteDbStoresOf(database);
        var jane = await NewCustomerAsync(stores, "Jane Roe", "HELP");
        var request = Removal(jane) with
        {
            Participants = [.. ErasureRecord.ParticipantServices.Select(service => service == "directory" ? Removal(jane).Participants[0] : ParticipantRecord.Pending(service, TestData.Now))],
        };
        var profile = RemovalProfile.Of(jane, request.Id, stores.Keys, TestData.Pepper);
        Assert.NotNull(await stores.Erasures.RemoveCustomerAsync(request, replacesVersion: null, jane, [], profile, [], default));
        var wrapped = database.GetCollection("customer_keys").FindById(profile.Key.Key.KeyId)["Key"].AsBinary;
        Assert.True(FilesHold(dataDirectory, wrapped), "the live key is in the file after the removal's checkpoint");

        var readersDone = request
            .WithReceipt(new ParticipantRecord("ticketing", ParticipantState.Done, new Dictionary<string, long>(), null, TestData.Now), TestData.Now)
            .WithReceipt(new ParticipantRecord("notification", ParticipantState.Done, new Dictionary<string, long>(), null, TestData.Now), TestData.Now);
        Assert.True(await stores.Erasures.FoldReceiptAsync(readersDone, request.Version, new EventContext("receipt-1", "notification", TestData.Now, "erasure-receipts", "1-0"), default));

        await Eventually.WaitForAsync(() => Task.FromResult(FilesHold(dataDirectory, wrapped)), held => !held, "the checkpoint after the fold", TimeSpan.FromSeconds(15));
    }

    private static bool FilesHold(string directory, byte[] bytes) =>
        System.IO.Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Any(file => ReadShared(file).AsSpan().IndexOf(bytes) >= 0);

    private static byte[] ReadShared(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// Through the status index LiteDB read every request of the status and sorted them, with a new 800 KB buffer per
    /// page (a large object each), however few there were.
    /// </summary>
    [Fact]
    public async Task A_status_s_page_is_read_without_sorting_in_LiteDB()
    {
        var stores = NewStores();
        var rejected = Enumerable.Range(0, 30).Select(day => Awaiting(TestData.Id(), TestData.Now.AddDays(-day)) with { Status = ErasureStatus.Rejected }).ToList();
        foreach (var request in rejected)
        {
            Assert.True(await stores.Erasures.InsertAwaitingAsync(request, default));
        }

        await stores.Erasures.ListAsync(new ErasureQuery(null, ErasureStatus.Rejected, null, null, null, 10), default);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var page = stores.Erasures.ListAsync(new ErasureQuery(null, ErasureStatus.Rejected, null, null, rejected[9].Id, 10), default);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(rejected.Skip(10).Take(10).Select(r => r.Id), (await page).Select(r => r.Id));
        Assert.True(allocated < 300_000, $"allocated {allocated:N0} bytes");
    }

    /// <summary>
    /// Files written before kept the status and the due date under indexes of their own (two sessions of this store
    /// ago), or the keys of the two indexes below as expressions of them, and their requests without those keys. At
    /// open the former indexes go and every request gets its keys: the overdue requests (open ones only, due before the
    /// instant) are still counted, and a status's requests still listed newest first, through the fields' indexes.
    /// </summary>
    [Theory]
    [InlineData("status=$.Status", "due=$.DueAt", "status_order=STRING($.Status) + '/' + $._id")]
    [InlineData("status_order=STRING($.Status) + '/' + $._id", "open_due=IIF($.Status IN [1, 2, 4], $.DueAt, null)")]
    public async Task A_file_with_the_former_indexes_loses_them_and_its_requests_are_still_counted_and_listed(params string[] formerIndexes)
    {
        var directory = TestDirectory.Create("erasures-former");
        var due = TestData.Now - ErasureRecord.TimeToComply;
        var failed = new List<string>();
        using (var former = LiteDbFiles.Open(new StorageOptions { DataDirectory = directory }, "directory"))
        {
            var stores = LiteDbStoresOf(former);
            foreach (var status in new[] { ErasureStatus.AwaitingApproval, ErasureStatus.InProgress, ErasureStatus.Failed, ErasureStatus.Completed, ErasureStatus.Rejected, ErasureStatus.Failed })
            {
                var request = Awaiting(TestData.Id(), TestData.Now.AddDays(-40)) with { Status = status };
                Assert.True(await stores.Erasures.InsertAwaitingAsync(request, default));
                if (status == ErasureStatus.Failed)
                {
                    failed.Add(request.Id);
                }
            }

            Assert.True(await stores.Erasures.InsertAwaitingAsync(Awaiting(TestData.Id(), due), default));
            var erasures = former.GetCollection("erasures");
            erasures.DropIndex("status_order");
            erasures.DropIndex("open_due");
            foreach (var document in erasures.FindAll().ToList())
            {
                document.Remove("StatusOrder");
                document.Remove("OpenDue");
                erasures.Update(document);
            }

            foreach (var index in formerIndexes)
            {
                erasures.EnsureIndex(index[..index.IndexOf('=')], index[(index.IndexOf('=') + 1)..]);
            }
        }

        using var database = LiteDbFiles.Open(new StorageOptions { DataDirectory = directory }, "directory");
        var reopened = LiteDbStoresOf(database);

        Assert.Equal(
            ["_id=$._id", "customer=$.CustomerId", "open_due=$.OpenDue", "status_order=$.StatusOrder"],
            database.GetCollection("$indexes").Find(BsonExpression.Create("collection = 'erasures'")).Select(index => $"{index["name"].AsString}={index["expression"].AsString}").Order(StringComparer.Ordinal));
        // Awaiting approval, in progress and the two failed, 40 days ago; the one due at this very instant is not overdue yet.
        Assert.Equal(4, await reopened.Erasures.CountOverdueAsync(TestData.Now, default));
        Assert.Equal(5, await reopened.Erasures.CountOverdueAsync(TestData.Now.AddTicks(1), default));
        Assert.Equal(failed.Order(StringComparer.Ordinal).Reverse(), (await reopened.Erasures.ListAsync(new ErasureQuery(null, ErasureStatus.Failed, null, null, null, 10), default)).Select(request => request.Id));
    }
}

public sealed class MongoErasureStoreTests() : ErasureStoreContract(new MongoBackend());
