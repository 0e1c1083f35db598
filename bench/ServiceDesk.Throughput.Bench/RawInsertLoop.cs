using System.Diagnostics;
using System.Globalization;
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
    public const int WarmUp = 300;

    public static int RunCustomers(string dataDirectory, int count)
    {
        using var database = LiteDbFiles.Open(new StorageOptions { DataDirectory = dataDirectory }, "raw-directory");
        var customers = Customers(database);
        return Report(count, i => customers.Insert(Customer(i)));
    }

    public static int RunTickets(string dataDirectory, int count)
    {
        using var database = LiteDbFiles.Open(new StorageOptions { DataDirectory = dataDirectory }, "raw-ticketing");
        var tickets = database.GetCollection("tickets");
        tickets.EnsureIndex("list_order", "$.ListOrder");
        tickets.EnsureIndex("customer_ids", "$.CustomerIds[*]");
        return Report(count, i => tickets.Insert(new BsonDocument
        {
            ["_id"] = $"BENCH-{i}",
            ["ListOrder"] = $"BENCH {i:D19}",
            ["Summary"] = $"Printer {i} is out of toner",
            ["Description"] = "The printer on the third floor shows an error.",
            ["CustomerIds"] = new BsonArray(new BsonValue(Guid.CreateVersion7().ToString("N"))),
            ["CreatedAt"] = DateTime.UtcNow,
            ["Version"] = 1L,
        }));
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
        var outbox = publisher.GetCollection("outbox", BsonAutoId.Int64);
        outbox.EnsureIndex("event_id", "$.EventId", unique: true);
        outbox.EnsureIndex("run_id", "$.RunId");
        var inbox = consumer.GetCollection("inbox");
        inbox.EnsureIndex("handled_at", "$.HandledAt");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(redisConfiguration);
        var database = redis.GetDatabase();
        RedisKey stream = $"bench:floor:{Guid.NewGuid():N}";
        const string group = "consumer";
        await database.StreamCreateConsumerGroupAsync(stream, group, StreamPosition.NewMessages, createStream: true);
        var payload = new byte[320];
        Random.Shared.NextBytes(payload);

        async Task CreateAndDeliverAsync(int i)
        {
            var eventId = Guid.CreateVersion7().ToString("N");
            publisher.BeginTrans();
            customers.Insert(Customer(i));
            var row = new BsonDocument { ["EventId"] = eventId, ["Family"] = "customers", ["Payload"] = payload, ["RunId"] = BsonValue.Null };
            outbox.Insert(row);
            publisher.Commit();
            var entryId = await database.StreamAddAsync(stream, [new("id", eventId), new("payload", payload)]);
            row["RunId"] = "run";
            row["EntryId"] = entryId.ToString();
            outbox.Update(row);

            var entry = (await database.StreamReadGroupAsync(stream, group, "floor", ">", count: 1)).Single();
            inbox.Insert(new BsonDocument { ["_id"] = entry["id"].ToString(), ["Family"] = "customers", ["HandledAt"] = DateTime.UtcNow });
            await database.StreamAcknowledgeAsync(stream, group, entry.Id);
        }

        for (var i = 0; i < WarmUp; i++)
        {
            await CreateAndDeliverAsync(-1 - i);
        }

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await CreateAndDeliverAsync(i);
        }

        PrintResult(count, clock.Elapsed, cpu);
        await database.KeyDeleteAsync(stream);
        return 0;
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

    private static int Report(int count, Action<int> insert)
    {
        for (var i = 0; i < WarmUp; i++)
        {
            insert(-1 - i);
        }

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            insert(i);
        }

        PrintResult(count, clock.Elapsed, cpu);
        return 0;
    }

    /// <summary>Operations per second and CPU microseconds per operation, the line <see cref="Result.Parse"/> reads.</summary>
    private static void PrintResult(int count, TimeSpan elapsed, TimeSpan cpuBefore) =>
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{count / elapsed.TotalSeconds:F1} {(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds / count:F1}"));

    /// <summary>A loop's rate and its process's CPU per operation.</summary>
    public sealed record Result(double PerSecond, double CpuMicroseconds)
    {
        public static Result Parse(string line) =>
            line.Split(' ') is [var rate, var cpu]
                ? new Result(double.Parse(rate, CultureInfo.InvariantCulture), double.Parse(cpu, CultureInfo.InvariantCulture))
                : throw new FormatException($"Not a loop's result: {line}");
    }
}
