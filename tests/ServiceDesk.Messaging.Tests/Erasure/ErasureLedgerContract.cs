using LiteDB;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Inbox;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Messaging.Tests.Erasure;

public abstract class ErasureLedgerContract
{
    private static readonly DateTimeOffset Received = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    protected abstract (IErasureLedger Ledger, IOutboxStore Outbox, IInboxStore Inbox) Create();

    private static ErasureRecord Started(string requestId, long planned) =>
        new(requestId, "cust-1", "hash-1", ErasureMode.Purge, ErasureState.Started, new Dictionary<string, long> { ["kept"] = planned }, Received);

    private static Func<ErasureRecord, OutgoingEvent> Receipt(string eventId) =>
        record => new OutgoingEvent(eventId, "erasure-receipts", $"{record.RequestId}:{record.Counts["kept"]}", [1]);

    [SkippableFact]
    public async Task A_request_is_recorded_once_with_its_first_counts_and_each_completion_records_a_receipt()
    {
        var (ledger, outbox, _) = Create();
        Assert.Null(await ledger.FindAsync("er-1", CancellationToken.None));
        Assert.False(await ledger.IsCustomerErasedAsync("cust-1", CancellationToken.None));
        Assert.False(await ledger.IsAddressErasedAsync("hash-1", CancellationToken.None));

        var started = Started("er-1", 3);
        var first = await ledger.StartAsync(started, CancellationToken.None);
        Assert.Same(started, first);
        Assert.Equal(("er-1", ErasureState.Started, 3L), (first.RequestId, first.State, first.Counts["kept"]));
        var startedAgain = Started("er-1", 9);
        var again = await ledger.StartAsync(startedAgain, CancellationToken.None);
        Assert.NotSame(startedAgain, again);
        Assert.Equal(3, again.Counts["kept"]);
        Assert.Equal((ErasureState.Started, Received), (again.State, again.ReceivedAt));
        Assert.True(await ledger.IsCustomerErasedAsync("cust-1", CancellationToken.None));
        Assert.True(await ledger.IsAddressErasedAsync("hash-1", CancellationToken.None));
        Assert.False(await ledger.IsCustomerErasedAsync("cust-2", CancellationToken.None));
        Assert.False(await ledger.IsAddressErasedAsync("hash-2", CancellationToken.None));

        var completedAt = Received.AddMinutes(1);
        var completed = await ledger.CompleteAsync("er-1", new Dictionary<string, long> { ["kept"] = 4 }, completedAt, Receipt("r1"), handled: null, CancellationToken.None);
        Assert.Equal((ErasureState.Completed, 4L, completedAt), (completed.State, completed.Counts["kept"], completed.CompletedAt));
        var repeated = await ledger.CompleteAsync("er-1", new Dictionary<string, long> { ["kept"] = 0 }, completedAt.AddMinutes(1), Receipt("r2"), handled: null, CancellationToken.None);
        Assert.Equal((4L, completedAt), (repeated.Counts["kept"], repeated.CompletedAt));

        var found = await ledger.FindAsync("er-1", CancellationToken.None);
        Assert.Equal(("cust-1", "hash-1", ErasureMode.Purge, ErasureState.Completed, 4L), (found!.CustomerId, found.AddressHash, found.Mode, found.State, found.Counts["kept"]));
        var receipts = await outbox.ReadPendingAsync(10, CancellationToken.None);
        Assert.Equal([("r1", "er-1:4"), ("r2", "er-1:4")], receipts.Select(r => (r.EventId, r.EventType)));
    }

    [SkippableFact]
    public async Task A_request_s_former_addresses_are_erased_like_its_address_until_it_is_reinstated_even_when_the_reinstatement_came_first()
    {
        var (ledger, _, _) = Create();
        await ledger.StartAsync(Started("er-1", 1) with { FormerAddressHashes = ["hash-old-1", "hash-old-2"] }, CancellationToken.None);
        await ledger.StartAsync(new ErasureRecord("er-2", "cust-2", "hash-2", ErasureMode.Anonymize, ErasureState.Started, new Dictionary<string, long>(), Received), CancellationToken.None);

        Assert.Equal(["hash-old-1", "hash-old-2"], (await ledger.FindAsync("er-1", CancellationToken.None))!.FormerAddressHashes);
        Assert.True(await ledger.IsAddressErasedAsync("hash-old-1", CancellationToken.None));
        Assert.True(await ledger.IsAddressErasedAsync("hash-old-2", CancellationToken.None));
        Assert.False(await ledger.IsAddressErasedAsync("hash-old-3", CancellationToken.None));

        await ledger.RecordReinstatedAsync("er-1", Received, CancellationToken.None);
        await ledger.RecordReinstatedAsync("er-1", Received.AddMinutes(1), CancellationToken.None);

        Assert.False(await ledger.IsAddressErasedAsync("hash-1", CancellationToken.None));
        Assert.False(await ledger.IsAddressErasedAsync("hash-old-1", CancellationToken.None));
        Assert.False(await ledger.IsAddressErasedAsync("hash-old-2", CancellationToken.None));
        Assert.True(await ledger.IsCustomerErasedAsync("cust-1", CancellationToken.None));
        Assert.True(await ledger.IsAddressErasedAsync("hash-2", CancellationToken.None));

        // Entries of a batch are handled concurrently: a reinstatement handled before its request still counts.
        await ledger.RecordReinstatedAsync("er-3", Received, CancellationToken.None);
        await ledger.StartAsync(new ErasureRecord("er-3", "cust-3", "hash-3", ErasureMode.Anonymize, ErasureState.Started, new Dictionary<string, long>(), Received), CancellationToken.None);
        Assert.False(await ledger.IsAddressErasedAsync("hash-3", CancellationToken.None));
        Assert.True(await ledger.IsCustomerErasedAsync("cust-3", CancellationToken.None));
    }

    [SkippableFact]
    public async Task An_address_two_requests_hold_stays_erased_until_both_are_reinstated()
    {
        var (ledger, _, _) = Create();
        await ledger.StartAsync(Started("er-1", 1), CancellationToken.None);
        await ledger.StartAsync(new ErasureRecord("er-2", "cust-2", "hash-2", ErasureMode.Anonymize, ErasureState.Started, new Dictionary<string, long>(), Received) { FormerAddressHashes = ["hash-1"] }, CancellationToken.None);

        await ledger.RecordReinstatedAsync("er-1", Received, CancellationToken.None);
        Assert.True(await ledger.IsAddressErasedAsync("hash-1", CancellationToken.None));

        await ledger.RecordReinstatedAsync("er-2", Received, CancellationToken.None);
        Assert.False(await ledger.IsAddressErasedAsync("hash-1", CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_plan_is_recorded_per_kind_at_its_largest_until_the_request_completes()
    {
        var (ledger, _, _) = Create();
        await ledger.StartAsync(Started("er-1", 0) with { Counts = new Dictionary<string, long>() }, CancellationToken.None);

        await ledger.RecordPlannedAsync("er-1", new Dictionary<string, long> { ["kept"] = 3, ["gone"] = 1 }, CancellationToken.None);
        await ledger.RecordPlannedAsync("er-1", new Dictionary<string, long> { ["kept"] = 2, ["other"] = 5 }, CancellationToken.None);

        var planned = await ledger.FindAsync("er-1", CancellationToken.None);
        Assert.Equal(ErasureState.Started, planned!.State);
        Assert.Equal([("gone", 1L), ("kept", 3L), ("other", 5L)], planned.Counts.OrderBy(count => count.Key, StringComparer.Ordinal).Select(count => (count.Key, count.Value)));
        await ledger.CompleteAsync("er-1", new Dictionary<string, long> { ["kept"] = 4 }, Received, Receipt("r1"), handled: null, CancellationToken.None);
        await ledger.RecordPlannedAsync("er-1", new Dictionary<string, long> { ["kept"] = 9 }, CancellationToken.None);
        Assert.Equal([("gone", 1L), ("kept", 4L), ("other", 5L)], (await ledger.FindAsync("er-1", CancellationToken.None))!.Counts.OrderBy(count => count.Key, StringComparer.Ordinal).Select(count => (count.Key, count.Value)));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ledger.RecordPlannedAsync("er-unknown", new Dictionary<string, long> { ["kept"] = 1 }, CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_completion_keeps_per_kind_at_least_the_plan_recorded_by_another_run_of_the_request()
    {
        // Two runs of one request (a replay and a delivery after a restart): the first records its plan and erases, the
        // second plans after that, finds nothing left and completes first.
        var (ledger, outbox, _) = Create();
        await ledger.StartAsync(Started("er-1", 0) with { Counts = new Dictionary<string, long>() }, CancellationToken.None);
        await ledger.RecordPlannedAsync("er-1", new Dictionary<string, long> { ["kept"] = 1, ["gone"] = 2 }, CancellationToken.None);

        var completed = await ledger.CompleteAsync(
            "er-1", new Dictionary<string, long> { ["kept"] = 0, ["other"] = 3 }, Received, Receipt("r1"), handled: null, CancellationToken.None);

        Assert.Equal([("gone", 2L), ("kept", 1L), ("other", 3L)], completed.Counts.OrderBy(count => count.Key, StringComparer.Ordinal).Select(count => (count.Key, count.Value)));
        Assert.Equal(completed.Counts.OrderBy(count => count.Key), (await ledger.FindAsync("er-1", CancellationToken.None))!.Counts.OrderBy(count => count.Key));
        Assert.Equal(["er-1:1"], (await outbox.ReadPendingAsync(10, CancellationToken.None)).Select(receipt => receipt.EventType));
    }

    /// <summary>
    /// A plan recorded by one run of a request as another run completes it (a replay and a redelivery), released
    /// together: the request stays completed, with the counts of its receipt. Read before the write lock, the plan
    /// once compared itself with the record before the completion and wrote it back as started.
    /// </summary>
    [SkippableFact]
    public async Task A_plan_recorded_as_the_request_completes_never_undoes_the_completion()
    {
        var (ledger, outbox, _) = Create();
        for (var round = 0; round < 60; round++)
        {
            var requestId = $"er-{round}";
            await ledger.StartAsync(Started(requestId, 0) with { Counts = new Dictionary<string, long>() }, CancellationToken.None);
            using var start = new Barrier(2);
            var planning = Task.Run(() =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                return ledger.RecordPlannedAsync(requestId, new Dictionary<string, long> { ["kept"] = 7 }, CancellationToken.None);
            });
            var completing = Task.Run(() =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                return ledger.CompleteAsync(requestId, new Dictionary<string, long> { ["kept"] = 4 }, Received, Receipt($"r-{round}"), handled: null, CancellationToken.None);
            });
            await planning;
            var completed = await completing;

            var stored = await ledger.FindAsync(requestId, CancellationToken.None);
            Assert.True(
                stored is { State: ErasureState.Completed } && stored.Counts["kept"] == completed.Counts["kept"],
                $"round {round}: {stored?.State} with {stored?.Counts["kept"]}, the receipt said {completed.Counts["kept"]}");
        }

        Assert.Equal(60, (await outbox.ReadPendingAsync(100, CancellationToken.None)).Count);
    }

    [SkippableFact]
    public async Task A_completion_records_its_command_as_handled_and_a_second_delivery_of_that_command_records_no_second_receipt()
    {
        var (ledger, outbox, inbox) = Create();
        await ledger.StartAsync(Started("er-1", 3), CancellationToken.None);
        var command = new EventContext("command-1", "directory", Received, "erasure", "1-0");

        await ledger.CompleteAsync("er-1", new Dictionary<string, long> { ["kept"] = 4 }, Received, Receipt("r1"), command, CancellationToken.None);
        Assert.True(await inbox.IsHandledAsync("command-1", CancellationToken.None));

        await Assert.ThrowsAsync<EventAlreadyHandledException>(() =>
            ledger.CompleteAsync("er-1", new Dictionary<string, long> { ["kept"] = 4 }, Received, Receipt("r2"), command, CancellationToken.None));
        Assert.Equal(["r1"], (await outbox.ReadPendingAsync(10, CancellationToken.None)).Select(receipt => receipt.EventId));
    }

    [SkippableFact]
    public async Task A_request_never_started_cannot_be_completed_and_records_no_receipt()
    {
        var (ledger, outbox, _) = Create();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ledger.CompleteAsync("er-unknown", new Dictionary<string, long>(), Received, Receipt("r1"), handled: null, CancellationToken.None));

        Assert.Empty(await outbox.ReadPendingAsync(10, CancellationToken.None));
        Assert.Null(await ledger.FindAsync("er-unknown", CancellationToken.None));
    }
}

public sealed class LiteDbErasureLedgerTests : ErasureLedgerContract
{
    protected override (IErasureLedger, IOutboxStore, IInboxStore) Create()
    {
        var database = StoreBackends.NewLiteDatabase();
        var outbox = new LiteDbOutboxStore(database);
        return (new LiteDbErasureLedger(database, outbox), outbox, new LiteDbInboxStore(database, TimeProvider.System));
    }
}

public sealed class MongoErasureLedgerTests : ErasureLedgerContract
{
    protected override (IErasureLedger, IOutboxStore, IInboxStore) Create()
    {
        var database = StoreBackends.NewMongoDatabase(MongoErasureLedger.Indexes, MongoOutboxStore.Indexes, MongoInboxStore.Indexes);
        var outbox = new MongoOutboxStore(database);
        return (new MongoErasureLedger(database, outbox), outbox, new MongoInboxStore(database, TimeProvider.System));
    }
}
