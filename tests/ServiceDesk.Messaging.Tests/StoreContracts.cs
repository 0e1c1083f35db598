using LiteDB;
using ServiceDesk.Messaging.Inbox;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Storage;
using ServiceDesk.Storage.LiteDb;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Messaging.Tests;

public abstract class OutboxStoreContract
{
    protected abstract IOutboxStore CreateStore();

    private static OutgoingEvent Event(string id) => new(id, "probe", "servicedesk.events.v1.ProjectCreated", [1, 2, 3]);

    [SkippableFact]
    public async Task Pending_events_come_back_in_the_order_they_were_recorded_until_marked_appended()
    {
        var store = CreateStore();
        await store.EnqueueAsync([Event("e1"), Event("e2")], CancellationToken.None);
        await store.EnqueueAsync([Event("e3")], CancellationToken.None);

        Assert.Equal(["e1", "e2", "e3"], (await store.ReadPendingAsync(10, CancellationToken.None)).Select(e => e.EventId));
        Assert.Equal(["e1", "e2"], (await store.ReadPendingAsync(2, CancellationToken.None)).Select(e => e.EventId));

        await store.MarkAppendedAsync([new AppendedEvent("e1", new AppendRecord("1-0", "run-1", DateTimeOffset.UtcNow))], CancellationToken.None);
        await store.MarkAppendedAsync([new AppendedEvent("e1", new AppendRecord("1-0", "run-1", DateTimeOffset.UtcNow))], CancellationToken.None);

        var pending = await store.ReadPendingAsync(10, CancellationToken.None);
        Assert.Equal(["e2", "e3"], pending.Select(e => e.EventId));
        Assert.Equal(Event("e2") with { Envelope = pending[0].Envelope }, pending[0]);
        Assert.Equal([1, 2, 3], pending[0].Envelope);

        // Several in one write, as the relay marks what it appended in one round.
        await store.MarkAppendedAsync(
            [new AppendedEvent("e2", new AppendRecord("2-0", "run-1", DateTimeOffset.UtcNow)), new AppendedEvent("e3", new AppendRecord("3-0", "run-1", DateTimeOffset.UtcNow))],
            CancellationToken.None);
        Assert.Empty(await store.ReadPendingAsync(10, CancellationToken.None));
        Assert.Empty(await store.ReadAppendedUnderOtherRunAsync("run-1", 10, CancellationToken.None));
        Assert.Equal(["e1", "e2", "e3"], (await store.ReadAppendedUnderOtherRunAsync("run-2", 10, CancellationToken.None)).Select(e => e.EventId));
    }

    [SkippableFact]
    public async Task Appended_events_are_kept_for_the_window_and_come_back_after_a_redis_restart()
    {
        var store = CreateStore();
        var now = DateTimeOffset.UtcNow;
        await store.EnqueueAsync([Event("e1"), Event("e2"), Event("e3")], CancellationToken.None);
        await store.MarkAppendedAsync([new AppendedEvent("e1", new AppendRecord("1-0", "run-1", now.AddMinutes(-30)))], CancellationToken.None);
        await store.MarkAppendedAsync([new AppendedEvent("e2", new AppendRecord("2-0", "run-1", now))], CancellationToken.None);

        // Redis runs under run-2 now: both appends of run-1 may be lost, the pending e3 is not among them.
        Assert.Equal(["e1", "e2"], (await store.ReadAppendedUnderOtherRunAsync("run-2", 10, CancellationToken.None)).Select(e => e.EventId));
        Assert.Empty(await store.ReadAppendedUnderOtherRunAsync("run-1", 10, CancellationToken.None));
        // Only what the current run holds is forgotten, and only once older than the window.
        Assert.Equal(0, await store.ForgetAppendedAsync("run-2", now.AddMinutes(-15), CancellationToken.None));
        Assert.Equal(1, await store.ForgetAppendedAsync("run-1", now.AddMinutes(-15), CancellationToken.None));

        await store.MarkAppendedAsync([new AppendedEvent("e2", new AppendRecord("5-0", "run-2", now))], CancellationToken.None);
        Assert.Empty(await store.ReadAppendedUnderOtherRunAsync("run-2", 10, CancellationToken.None));
        Assert.Equal(["e3"], (await store.ReadPendingAsync(10, CancellationToken.None)).Select(e => e.EventId));
    }

    /// <summary>
    /// A few hundred events recorded in many writes, some marked among them, and the pending ones read in pages as the
    /// relay does. In LiteDB the pending rows share one key (null) in the appended index, and come in order only
    /// because LiteDB links an equal key after those already there.
    /// </summary>
    [SkippableFact]
    public async Task Many_pending_events_come_back_in_the_order_they_were_recorded_among_marked_ones()
    {
        var store = CreateStore();
        var recorded = Enumerable.Range(0, 400).Select(i => $"e{i:D3}").ToList();
        foreach (var chunk in recorded.Chunk(7))
        {
            await store.EnqueueAsync([.. chunk.Select(Event)], CancellationToken.None);
            await store.MarkAppendedAsync(
                [.. chunk.Where((_, i) => i % 3 == 0).Select(id => new AppendedEvent(id, new AppendRecord("1-0", "run-1", DateTimeOffset.UtcNow)))], CancellationToken.None);
        }

        var pending = new List<string>();
        while (await store.ReadPendingAsync(50, CancellationToken.None) is { Count: > 0 } page)
        {
            pending.AddRange(page.Select(e => e.EventId));
            await store.MarkAppendedAsync([.. page.Select(e => new AppendedEvent(e.EventId, new AppendRecord("1-0", "run-1", DateTimeOffset.UtcNow)))], CancellationToken.None);
        }

        Assert.Equal(recorded.Where((_, i) => i % 7 % 3 != 0), pending);
    }
}

public abstract class InboxStoreContract
{
    protected abstract IInboxStore CreateStore();

    [SkippableFact]
    public async Task A_handled_event_is_remembered_once_and_forgotten_after_pruning()
    {
        var store = CreateStore();
        Assert.False(await store.IsHandledAsync("e1", CancellationToken.None));

        await store.MarkHandledAsync("e1", "probe", CancellationToken.None);
        await store.MarkHandledAsync("e1", "probe", CancellationToken.None);

        Assert.True(await store.IsHandledAsync("e1", CancellationToken.None));
        Assert.Equal(0, await store.PruneAsync(DateTimeOffset.UtcNow.AddMinutes(-1), CancellationToken.None));
        Assert.Equal(1, await store.PruneAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None));
        Assert.False(await store.IsHandledAsync("e1", CancellationToken.None));
    }
}

public sealed class LiteDbOutboxStoreTests : OutboxStoreContract
{
    protected override IOutboxStore CreateStore() => new LiteDbOutboxStore(StoreBackends.NewLiteDatabase());

    /// <summary>
    /// The relay reads the pending events every round, in every service, and LiteDB's sort allocates an 800 KB buffer
    /// per query (a large object, each bringing a blocking full collection closer): both reads come in order from an index.
    /// </summary>
    [Fact]
    public async Task Reading_the_pending_and_the_stale_events_sorts_nothing()
    {
        var store = CreateStore();
        await store.EnqueueAsync([Event("e1"), Event("e2"), Event("e3"), Event("e4")], CancellationToken.None);
        await store.MarkAppendedAsync(
            [new AppendedEvent("e3", new AppendRecord("3-0", "run-1", DateTimeOffset.UtcNow)), new AppendedEvent("e1", new AppendRecord("1-0", "run-1", DateTimeOffset.UtcNow))],
            CancellationToken.None);
        // The first reads fill LiteDB's page cache.
        await store.ReadPendingAsync(10, CancellationToken.None);
        await store.ReadAppendedUnderOtherRunAsync("run-2", 10, CancellationToken.None);

        var (pending, pendingBytes) = await AllocatedByAsync(() => store.ReadPendingAsync(10, CancellationToken.None));
        var (stale, staleBytes) = await AllocatedByAsync(() => store.ReadAppendedUnderOtherRunAsync("run-2", 10, CancellationToken.None));

        Assert.Equal(["e2", "e4"], pending.Select(e => e.EventId));
        Assert.Equal(["e1", "e3"], stale.Select(e => e.EventId));
        Assert.True(pendingBytes < 300_000, $"reading the pending events allocated {pendingBytes:N0} bytes");
        Assert.True(staleBytes < 300_000, $"reading the stale events allocated {staleBytes:N0} bytes");
    }

    /// <summary>
    /// Every few seconds the relay asks for rows appended under another Redis run and forgets those past the window:
    /// under a steady run, neither reads the rows it appended (a busy outbox keeps thousands for the window). Measured
    /// as the growth from 10 kept rows to 1,000: each call's own cost (about 90 KB in LiteDB's query engine) is not the
    /// question, and reading the 990 more rows would allocate several hundred kilobytes more.
    /// </summary>
    [Fact]
    public async Task The_relays_periodic_checks_do_not_read_the_rows_the_current_run_keeps()
    {
        var few = await MeasurePeriodicChecksAsync(kept: 10);
        var many = await MeasurePeriodicChecksAsync(kept: 1000);

        Assert.True(many.StaleBytes - few.StaleBytes < 50_000,
            $"looking for stale rows allocated {few.StaleBytes:N0} bytes among 10 kept, {many.StaleBytes:N0} among 1,000");
        Assert.True(many.ForgetBytes - few.ForgetBytes < 50_000,
            $"forgetting allocated {few.ForgetBytes:N0} bytes among 10 kept, {many.ForgetBytes:N0} among 1,000");
    }

    private static async Task<(long StaleBytes, long ForgetBytes)> MeasurePeriodicChecksAsync(int kept)
    {
        var database = StoreBackends.NewLiteDatabase();
        var store = new LiteDbOutboxStore(database);
        var now = DateTimeOffset.UtcNow;
        var events = Enumerable.Range(0, kept).Select(i => Event($"kept-{i}")).ToList();
        await store.EnqueueAsync(events, CancellationToken.None);
        await store.MarkAppendedAsync([.. events.Select((e, i) => new AppendedEvent(e.EventId, new AppendRecord($"{i}-0", "run-2", now)))], CancellationToken.None);
        await store.EnqueueAsync([Event("old"), Event("stale"), Event("pending")], CancellationToken.None);
        await store.MarkAppendedAsync(
            [new AppendedEvent("old", new AppendRecord("9-0", "run-2", now.AddMinutes(-30))), new AppendedEvent("stale", new AppendRecord("1-0", "run-1", now.AddMinutes(-30)))],
            CancellationToken.None);
        // So that the measured delete does not commit into a full log and copy it (LiteDB checkpoints every 1,000 pages).
        database.Checkpoint();
        // Both calls once before they are measured, so that the measured ones are steady: the process's first use of an
        // expression compiles it (the relay pays that once), and the pages they look through are back in LiteDB's cache,
        // which the checkpoint emptied. The forgetting looks past a window that holds nothing.
        await store.ReadAppendedUnderOtherRunAsync("run-2", 10, CancellationToken.None);
        Assert.Equal(0, await store.ForgetAppendedAsync("run-2", now.AddHours(-1), CancellationToken.None));

        var (stale, staleBytes) = await AllocatedByAsync(() => store.ReadAppendedUnderOtherRunAsync("run-2", 10, CancellationToken.None));
        var (forgotten, forgetBytes) = await AllocatedByAsync(() => store.ForgetAppendedAsync("run-2", now.AddMinutes(-15), CancellationToken.None));

        Assert.Equal(["stale"], stale.Select(e => e.EventId));
        Assert.Equal(1, forgotten);
        Assert.Equal(["pending"], (await store.ReadPendingAsync(10, CancellationToken.None)).Select(e => e.EventId));
        Assert.Equal(["kept-0", "kept-1"], (await store.ReadAppendedUnderOtherRunAsync("run-3", 2, CancellationToken.None)).Select(e => e.EventId));
        return (staleBytes, forgetBytes);
    }

    /// <summary>
    /// Every event is recorded and then marked appended, in every service; each index the row is in writes pages of its
    /// own to LiteDB's log both times, and a checkpoint copies them into the file. With the run, pending and append-time
    /// indexes of before, a row in a busy outbox wrote 19.6 pages; with the one position index, 11.3.
    /// </summary>
    [Fact]
    public async Task Recording_and_marking_an_event_writes_few_pages_to_the_log()
    {
        var directory = TestDirectory.Create("outbox-pages");
        using var database = LiteDbFiles.Open(new StorageOptions { DataDirectory = directory }, "outbox");
        // Only the test's own checkpoint empties the log.
        database.CheckpointSize = 0;
        var store = new LiteDbOutboxStore(database);
        var log = Path.Combine(directory, "outbox-log.db");
        long LogPages() => File.Exists(log) ? new FileInfo(log).Length / 8192 : 0;
        async Task RecordAndMarkAsync(int i)
        {
            var id = Guid.CreateVersion7().ToString("N");
            await store.EnqueueAsync([Event(id)], CancellationToken.None);
            await store.MarkAppendedAsync([new AppendedEvent(id, new AppendRecord($"{i}-0", "c2a1e3f4b5d6a7b8c9d0e1f2a3b4c5d6e7f8a9b0", DateTimeOffset.UtcNow))], CancellationToken.None);
        }

        for (var i = 0; i < 1000; i++)
        {
            await RecordAndMarkAsync(i);
        }

        database.Checkpoint();
        for (var i = 1000; i < 1200; i++)
        {
            await RecordAndMarkAsync(i);
        }

        var perEvent = LogPages() / 200.0;
        Assert.True(perEvent < 15, $"recording and marking an event wrote {perEvent:F1} pages to the log");
    }

    /// <summary>
    /// A file written before the appended index (two versions of this store ago): its rows keep their meaning (pending,
    /// appended under which run and when), and the indexes the appended index replaced are gone.
    /// </summary>
    [Fact]
    public async Task An_outbox_written_with_the_former_indexes_is_moved_to_the_appended_index()
    {
        var now = DateTimeOffset.UtcNow;
        var directory = FormerOutbox("outbox-former", rows =>
        {
            rows.EnsureIndex("RunId", "$.RunId");
            rows.EnsureIndex("pending", "IIF($.RunId = null, $._id, null)");
            rows.EnsureIndex("appended_at", "$.AppendedAt");
            BsonDocument Appended(string id, string entryId, DateTimeOffset at)
            {
                var row = FormerRow(id);
                row["EntryId"] = entryId;
                row["RunId"] = "run-1";
                row["AppendedAt"] = at.UtcDateTime;
                return row;
            }

            rows.Insert(FormerRow("e1"));
            rows.Insert(Appended("old", "1-0", now.AddMinutes(-30)));
            rows.Insert(Appended("recent", "2-0", now));
            rows.Insert(FormerRow("e4"));
        });

        using var database = LiteDbFiles.Open(new StorageOptions { DataDirectory = directory }, "outbox");
        var store = new LiteDbOutboxStore(database);

        Assert.Equal(["EventId", "_id", "appended"], StoreBackends.IndexNamesOf(database, "outbox"));
        Assert.Equal(["e1", "e4"], (await store.ReadPendingAsync(10, CancellationToken.None)).Select(e => e.EventId));
        Assert.Equal(["old", "recent"], (await store.ReadAppendedUnderOtherRunAsync("run-2", 10, CancellationToken.None)).Select(e => e.EventId));
        Assert.Empty(await store.ReadAppendedUnderOtherRunAsync("run-1", 10, CancellationToken.None));
        Assert.Equal(1, await store.ForgetAppendedAsync("run-1", now.AddMinutes(-15), CancellationToken.None));
        Assert.Equal(["recent"], (await store.ReadAppendedUnderOtherRunAsync("run-2", 10, CancellationToken.None)).Select(e => e.EventId));
    }

    /// <summary>
    /// A file written with the position index (the previous version of this store: an expression giving a pending row its
    /// id as key) loses it at open, and its rows keep their meaning.
    /// </summary>
    [Fact]
    public async Task An_outbox_written_with_the_position_index_loses_it_and_keeps_its_rows_meaning()
    {
        var now = DateTimeOffset.UtcNow;
        var directory = FormerOutbox("outbox-position", rows =>
        {
            rows.EnsureIndex("position", "IIF($.Appended = null, $._id, $.Appended)");
            BsonDocument Appended(string id, DateTimeOffset at)
            {
                var row = FormerRow(id);
                row["EntryId"] = "1-0";
                row["Appended"] = $"run-1/{at.UtcTicks:D19}";
                return row;
            }

            rows.Insert(FormerRow("e1"));
            rows.Insert(Appended("old", now.AddMinutes(-30)));
            rows.Insert(FormerRow("e3"));
            rows.Insert(Appended("recent", now));
            rows.Insert(FormerRow("e5"));
        });

        using var database = LiteDbFiles.Open(new StorageOptions { DataDirectory = directory }, "outbox");
        var store = new LiteDbOutboxStore(database);

        Assert.Equal(["EventId", "_id", "appended"], StoreBackends.IndexNamesOf(database, "outbox"));
        Assert.Equal(["e1", "e3", "e5"], (await store.ReadPendingAsync(10, CancellationToken.None)).Select(e => e.EventId));
        Assert.Equal(["old", "recent"], (await store.ReadAppendedUnderOtherRunAsync("run-2", 10, CancellationToken.None)).Select(e => e.EventId));
        Assert.Equal(1, await store.ForgetAppendedAsync("run-1", now.AddMinutes(-15), CancellationToken.None));
    }

    /// <summary>A file holding an outbox that <paramref name="write"/> wrote as a former version of this store did.</summary>
    private static string FormerOutbox(string name, Action<ILiteCollection<BsonDocument>> write)
    {
        var directory = TestDirectory.Create(name);
        using var former = LiteDbFiles.Open(new StorageOptions { DataDirectory = directory }, "outbox");
        var rows = former.GetCollection("outbox", BsonAutoId.Int64);
        rows.EnsureIndex("EventId", "$.EventId", unique: true);
        write(rows);
        return directory;
    }

    private static BsonDocument FormerRow(string id) =>
        new() { ["EventId"] = id, ["Family"] = "probe", ["EventType"] = "servicedesk.events.v1.ProjectCreated", ["Envelope"] = new byte[] { 1, 2, 3 } };

    /// <summary>The stores' reads run on the caller's thread (LiteDB is synchronous).</summary>
    private static async Task<(T Result, long Bytes)> AllocatedByAsync<T>(Func<Task<T>> read)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var task = read();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return (await task, allocated);
    }

    private static OutgoingEvent Event(string id) => new(id, "probe", "servicedesk.events.v1.ProjectCreated", [1, 2, 3]);
}

public sealed class MongoOutboxStoreTests : OutboxStoreContract
{
    protected override IOutboxStore CreateStore() => new MongoOutboxStore(StoreBackends.NewMongoDatabase(MongoOutboxStore.Indexes));
}

public sealed class LiteDbInboxStoreTests : InboxStoreContract
{
    protected override IInboxStore CreateStore() => new LiteDbInboxStore(StoreBackends.NewLiteDatabase(), TimeProvider.System);
}

public sealed class MongoInboxStoreTests : InboxStoreContract
{
    protected override IInboxStore CreateStore() => new MongoInboxStore(StoreBackends.NewMongoDatabase(MongoInboxStore.Indexes), TimeProvider.System);
}
