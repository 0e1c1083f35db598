using System.Collections.Concurrent;
using LiteDB;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Inbox;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Messaging.Publishing;
using Xunit;

namespace ServiceDesk.Messaging.Tests;

/// <summary>
/// LiteDB 5.0.21 maps a type, and each type inside it, on first use and shares the mapping before it is complete:
/// concurrent first uses failed an erasure in the throughput bench. The stores map what they use while they are built.
/// </summary>
public sealed class LiteDbMappingTests
{
    [Fact]
    public async Task The_ledger_outbox_and_inbox_map_every_type_they_read_or_write_while_they_are_built()
    {
        var mapper = new RecordingMapper();
        using var database = new LiteDatabase(new MemoryStream(), mapper);
        var outbox = new LiteDbOutboxStore(database);
        var ledger = new LiteDbErasureLedger(database, outbox);
        var inbox = new LiteDbInboxStore(database, TimeProvider.System);
        Assert.NotEmpty(mapper.Mapped);
        mapper.Mapped.Clear();

        var now = DateTimeOffset.UtcNow;
        await ledger.StartAsync(
            new ErasureRecord("er-1", "cust-1", "hash-1", ErasureMode.Purge, ErasureState.Started, new Dictionary<string, long>(), now), CancellationToken.None);
        await ledger.RecordPlannedAsync("er-1", new Dictionary<string, long> { ["notes"] = 2 }, CancellationToken.None);
        await ledger.CompleteAsync(
            "er-1",
            new Dictionary<string, long> { ["notes"] = 2 },
            now,
            record => new OutgoingEvent("receipt-1", "erasure-receipts", record.RequestId, [1]),
            new EventContext("command-1", "directory", now, "erasure", "1-0"),
            CancellationToken.None);
        var found = await ledger.FindAsync("er-1", CancellationToken.None);
        var pending = await outbox.ReadPendingAsync(10, CancellationToken.None);
        await outbox.MarkAppendedAsync([new AppendedEvent("receipt-1", new AppendRecord("2-0", "run-1", now))], CancellationToken.None);
        await inbox.MarkHandledAsync("event-2", "customers", CancellationToken.None);

        Assert.Equal(2, found!.Counts["notes"]);
        Assert.Equal(["receipt-1"], pending.Select(e => e.EventId));
        Assert.True(await inbox.IsHandledAsync("command-1", CancellationToken.None));
        Assert.Empty(mapper.Mapped);
    }

    /// <summary>The mapper the services use (<c>StoreMapper</c>), recording each type it maps.</summary>
    private sealed class RecordingMapper : BsonMapper
    {
        public RecordingMapper()
        {
            EnumAsInteger = false;
            TrimWhitespace = false;
            EmptyStringToNull = false;
        }

        public ConcurrentQueue<Type> Mapped { get; } = new();

        protected override EntityMapper BuildAddEntityMapper(Type type)
        {
            Mapped.Enqueue(type);
            return base.BuildAddEntityMapper(type);
        }
    }
}
