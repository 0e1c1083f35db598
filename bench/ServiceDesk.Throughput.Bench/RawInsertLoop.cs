using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using LiteDB;
using ServiceDesk.Storage;
using ServiceDesk.Storage.LiteDb;
using StackExchange.Redis;

namespace ServiceDesk.Throughput.Bench;

/// <summary>
/// The baselines of the create throughput: one document per transaction into a LiteDB file opened exactly as the
/// services open theirs (<see cref="LiteDbFiles.Open"/>: direct connection, the same collation), with the unique or
/// ordering indexes the real collections have, on the server's cores. Prints inserts per second and this process's
/// CPU microseconds per insert.
/// </summary>
public static class RawInsertLoop
{
    public const string CustomersCommand = "raw-customers";
    public const string TicketsCommand = "raw-tickets";
    public const string EventFloorCommand = "raw-event-floor";
    public const string RemovalFloorCommand = "raw-removal-floor";
    private const int WarmUp = 300;

    /// <summary>Warm-up rounds at most (<see cref="MeasureAsync"/>); the operations' indexes go up to this many rounds and the measured ones.</summary>
    private const int MaxWarmUpRounds = 5;

    /// <summary>In the removal floor, the participants that delete a copy of the customer and checkpoint (Ticketing and Notification in the bench).</summary>
    private const int ParticipantsHoldingACopy = 2;

    /// <summary>How long a warm-up round leaves the runtime to finish promoting what the round made hot, in the background.</summary>
    private static readonly TimeSpan PromotionPause = TimeSpan.FromMilliseconds(200);

    public static async Task<int> RunCustomersAsync(string dataDirectory, int count)
    {
        using var database = LiteDbFiles.Open(new StorageOptions { DataDirectory = dataDirectory }, "raw-directory");
        var customers = Customers(database);
        await MeasureAsync(count, i =>
        {
            customers.Insert(Customer(i));
            return Task.CompletedTask;
        });
        return 0;
    }

    public static async Task<int> RunTicketsAsync(string dataDirectory, int count)
    {
        using var database = LiteDbFiles.Open(new StorageOptions { DataDirectory = dataDirectory }, "raw-ticketing");
        var tickets = database.GetCollection("tickets");
        tickets.EnsureIndex("list_order", "$.ListOrder");
        tickets.EnsureIndex("customer_ids", "$.CustomerIds[*]");
        await MeasureAsync(count, i =>
        {
            tickets.Insert(new BsonDocument
            {
                ["_id"] = $"BENCH-{i}",
                ["ListOrder"] = $"BENCH {i:D19}",
                ["Summary"] = $"Printer {i} is out of toner",
                ["Description"] = "The printer on the third floor shows an error.",
                ["CustomerIds"] = new BsonArray(new BsonValue(Guid.CreateVersion7().ToString("N"))),
                ["CreatedAt"] = DateTime.UtcNow,
                ["Version"] = 1L,
            });
            return Task.CompletedTask;
        });
        return 0;
    }

    /// <summary>
    /// The least a create that tells one consumer can do without losing the event (README, "Integration events"):
    /// the customer and its outbox row in one transaction, the event appended to a Redis stream, the row marked
    /// appended (a second transaction), and a consumer reading the entry, recording it in its inbox (a transaction
    /// in its own file) and acknowledging it. One process, no gRPC, no checks, no event signing; Redis's own CPU is
    /// the caller's to measure.
    /// </summary>
    public static async Task<int> RunEventFloorAsync(string dataDirectory, string redisConfiguration, int count)
    {
        var storage = new StorageOptions { DataDirectory = dataDirectory };
        using var publisher = LiteDbFiles.Open(storage, "floor-publisher");
        using var consumer = LiteDbFiles.Open(storage, "floor-consumer");
        var customers = Customers(publisher);
        var outbox = Outbox(publisher);
        var inbox = consumer.GetCollection("inbox");
        inbox.EnsureIndex("handled_at", "$.HandledAt");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(BenchRedis.Configuration(redisConfiguration));
        var database = redis.GetDatabase();
        RedisKey stream = $"bench:floor:{Guid.NewGuid():N}";
        const string group = "consumer";
        await database.StreamCreateConsumerGroupAsync(stream, group, StreamPosition.NewMessages, createStream: true);
        var payload = new byte[320];
        Random.Shared.NextBytes(payload);

        async Task CreateAndDeliverAsync(int i)
        {
            publisher.BeginTrans();
            customers.Insert(Customer(i));
            var row = OutboxRow("customers", payload);
            outbox.Insert(row);
            publisher.Commit();
            await AppendAndMarkAsync(database, stream, outbox, row, payload);

            var entry = (await database.StreamReadGroupAsync(stream, group, "floor", ">", count: 1)).Single();
            inbox.Insert(new BsonDocument { ["_id"] = entry["id"].ToString(), ["Family"] = "customers", ["HandledAt"] = DateTime.UtcNow });
            await database.StreamAcknowledgeAsync(stream, group, entry.Id);
        }

        await MeasureAsync(count, CreateAndDeliverAsync);
        await database.KeyDeleteAsync(stream);
        return 0;
    }

    /// <summary>
    /// The least a removal can do (README, "Customer removal"; DESIGN's erasure protocol) without losing a step or
    /// leaving an erased byte: Directory deletes the profile and writes the request, the tombstone and the command's
    /// outbox row in one transaction, checkpoints, appends the command and marks the row; each of the three
    /// participants reads it from its own group, records its ledger entry, receipt row and inbox record in one
    /// transaction (two of them also delete the customer's copy there and checkpoint, as Ticketing and Notification do
    /// for the bench's customers, who have tickets and letters), appends the receipt,
    /// marks the row and acknowledges; Directory reads the three receipts, folds each with its inbox record in a
    /// transaction, and acknowledges them. Four files, one process, no gRPC, no checks, no signing; in sequence, so
    /// a removal's time at the floor is its CPU. Redis's own CPU is the caller's to measure.
    /// </summary>
    public static async Task<int> RunRemovalFloorAsync(string dataDirectory, string redisConfiguration, int count)
    {
        var storage = new StorageOptions { DataDirectory = dataDirectory };
        using var directory = LiteDbFiles.Open(storage, "floor-removal-directory");
        var participants = Enumerable.Range(0, 3).Select(i => LiteDbFiles.Open(storage, $"floor-removal-participant{i}")).ToArray();
        var customers = Customers(directory);
        var erasures = directory.GetCollection("erasures");
        erasures.EnsureIndex("customer", "$.CustomerId");
        erasures.EnsureIndex("status", "$.Status");
        var tombstones = directory.GetCollection("erased_addresses");
        var directoryOutbox = Outbox(directory);
        var directoryInbox = directory.GetCollection("inbox");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(BenchRedis.Configuration(redisConfiguration));
        var database = redis.GetDatabase();
        RedisKey commands = $"bench:floor:commands:{Guid.NewGuid():N}";
        RedisKey receipts = $"bench:floor:receipts:{Guid.NewGuid():N}";
        await database.StreamCreateConsumerGroupAsync(receipts, "directory", StreamPosition.NewMessages, createStream: true);
        for (var i = 0; i < participants.Length; i++)
        {
            await database.StreamCreateConsumerGroupAsync(commands, $"participant{i}", StreamPosition.NewMessages, createStream: true);
        }

        var record = new string('r', 1200);
        var payload = new byte[320];
        Random.Shared.NextBytes(payload);

        // The customers to remove, and their copies in the participants that have one, are there before the clock starts.
        var toRemove = Enumerable.Range(0, MaxWarmUpRounds * WarmUp + count).Select(Customer).ToArray();
        customers.InsertBulk(toRemove);
        foreach (var holder in participants.Take(ParticipantsHoldingACopy))
        {
            holder.GetCollection("snapshots").InsertBulk(toRemove.Select(customer => new BsonDocument { ["_id"] = customer["_id"], ["DisplayName"] = customer["DisplayName"] }));
        }

        async Task RemoveAsync(BsonDocument customer)
        {
            var requestId = Guid.CreateVersion7().ToString("N");
            directory.BeginTrans();
            customers.Delete(customer["_id"]);
            erasures.Insert(new BsonDocument { ["_id"] = requestId, ["CustomerId"] = customer["_id"], ["Status"] = 1, ["Version"] = 1L, ["Record"] = record });
            tombstones.Insert(new BsonDocument { ["_id"] = Guid.NewGuid().ToString("N"), ["ErasureId"] = requestId });
            var command = OutboxRow("erasure", payload);
            directoryOutbox.Insert(command);
            directory.Commit();
            directory.Checkpoint();
            await AppendAndMarkAsync(database, commands, directoryOutbox, command, payload);

            for (var p = 0; p < participants.Length; p++)
            {
                var participant = participants[p];
                var entry = (await database.StreamReadGroupAsync(commands, $"participant{p}", "floor", ">", count: 1)).Single();
                var outbox = Outbox(participant);
                participant.BeginTrans();
                if (p < ParticipantsHoldingACopy)
                {
                    participant.GetCollection("snapshots").Delete(customer["_id"]);
                }

                participant.GetCollection("erasure_ledger").Insert(new BsonDocument { ["_id"] = requestId, ["CustomerId"] = customer["_id"], ["State"] = 2 });
                var receipt = OutboxRow("erasure", payload);
                outbox.Insert(receipt);
                participant.GetCollection("inbox").Insert(new BsonDocument { ["_id"] = entry["id"].ToString(), ["HandledAt"] = DateTime.UtcNow });
                participant.Commit();
                if (p < ParticipantsHoldingACopy)
                {
                    participant.Checkpoint();
                }

                await AppendAndMarkAsync(database, receipts, outbox, receipt, payload);
                await database.StreamAcknowledgeAsync(commands, $"participant{p}", entry.Id);
            }

            var folded = await database.StreamReadGroupAsync(receipts, "directory", "floor", ">", count: participants.Length);
            foreach (var entry in folded)
            {
                directory.BeginTrans();
                var stored = erasures.FindById(requestId);
                stored["Version"] = stored["Version"].AsInt64 + 1;
                erasures.Update(stored);
                directoryInbox.Insert(new BsonDocument { ["_id"] = entry["id"].ToString(), ["HandledAt"] = DateTime.UtcNow });
                directory.Commit();
            }

            await database.StreamAcknowledgeAsync(receipts, "directory", [.. folded.Select(entry => entry.Id)]);
        }

        await MeasureAsync(count, i => RemoveAsync(toRemove[i]));
        await database.KeyDeleteAsync([commands, receipts]);
        foreach (var participant in participants)
        {
            participant.Dispose();
        }

        return 0;
    }

    private static ILiteCollection<BsonDocument> Outbox(LiteDatabase database)
    {
        var outbox = database.GetCollection("outbox", BsonAutoId.Int64);
        outbox.EnsureIndex("event_id", "$.EventId", unique: true);
        outbox.EnsureIndex("run_id", "$.RunId");
        return outbox;
    }

    private static BsonDocument OutboxRow(string family, byte[] payload) =>
        new() { ["EventId"] = Guid.CreateVersion7().ToString("N"), ["Family"] = family, ["Payload"] = payload, ["RunId"] = BsonValue.Null };

    /// <summary>The relay's part: the row's event appended to the stream, then the row marked appended.</summary>
    private static async Task AppendAndMarkAsync(IDatabase database, RedisKey stream, ILiteCollection<BsonDocument> outbox, BsonDocument row, byte[] payload)
    {
        var entryId = await database.StreamAddAsync(stream, [new("id", row["EventId"].AsString), new("payload", payload)]);
        row["RunId"] = "run";
        row["EntryId"] = entryId.ToString();
        outbox.Update(row);
    }

    private static ILiteCollection<BsonDocument> Customers(LiteDatabase database)
    {
        var customers = database.GetCollection("customers");
        customers.EnsureIndex("address", "$.Address", unique: true);
        return customers;
    }

    private static BsonDocument Customer(int i) => new()
    {
        ["_id"] = Guid.CreateVersion7().ToString("N"),
        ["Address"] = $"raw{i}@bench.example",
        ["DisplayName"] = $"Raw Customer {i}",
        ["ProjectKeys"] = new BsonArray(new BsonValue("BENCH")),
        ["CreatedAt"] = DateTime.UtcNow,
        ["Version"] = 1L,
    };

    /// <summary>
    /// Runs <paramref name="operation"/> unmeasured in rounds of <see cref="WarmUp"/> until a round (and the pause after
    /// it) compiled no method, then for the next <paramref name="count"/> indexes, one at a time, and prints their
    /// operations per second, this process's CPU microseconds per operation and the percentiles of one operation's time,
    /// the line <see cref="Result.Parse"/> reads. Hot methods are recompiled optimised in the background, some twice (profile-guided optimisation first gathers
    /// its profile): a fixed 300 operations (tens of milliseconds of inserts) measured a loop partly unoptimised, or the
    /// recompilation itself (bench/RESULTS.md, throughput "Fourteenth round").
    /// </summary>
    private static async Task MeasureAsync(int count, Func<int, Task> operation)
    {
        var next = 0;
        for (var round = 0; round < MaxWarmUpRounds; round++)
        {
            var compiled = JitInfo.GetCompiledMethodCount();
            for (var end = next + WarmUp; next < end; next++)
            {
                await operation(next);
            }

            await Task.Delay(PromotionPause);
            if (JitInfo.GetCompiledMethodCount() == compiled)
            {
                break;
            }
        }

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var milliseconds = new double[count];
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await operation(next + i);
            milliseconds[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(milliseconds);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{count / clock.Elapsed.TotalSeconds:F1} {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / count:F1} {next} " +
            $"{Measure.Percentile(milliseconds, 50):F3} {Measure.Percentile(milliseconds, 99):F3}"));
    }

    /// <summary>
    /// A loop's rate, its process's CPU per operation, how many operations its warm-up ran before them, and the median and
    /// 99th percentile of one operation's time.
    /// </summary>
    public sealed record Result(double PerSecond, double CpuMicroseconds, int WarmUpOperations, double P50Milliseconds, double P99Milliseconds)
    {
        public static Result Parse(string line) =>
            line.Split(' ') is [var rate, var cpu, var warmUp, var p50, var p99]
                ? new Result(Number(rate), Number(cpu), int.Parse(warmUp, CultureInfo.InvariantCulture), Number(p50), Number(p99))
                : throw new FormatException($"Not a loop's result: {line}");

        private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);
    }
}
