using System.Diagnostics;
using System.Globalization;
using LiteDB;
using ServiceDesk.Storage;
using ServiceDesk.Storage.LiteDb;

namespace ServiceDesk.Throughput.Bench;

/// <summary>
/// The baselines of the create throughput: one document per transaction into a LiteDB file opened exactly as the
/// services open theirs (<see cref="LiteDbFiles.Open"/>: direct connection, the same collation), with the unique or
/// ordering indexes the real collections have, on the server's cores. Prints inserts per second.
/// </summary>
public static class RawInsertLoop
{
    public const string CustomersCommand = "raw-customers";
    public const string TicketsCommand = "raw-tickets";
    private const int WarmUp = 300;

    public static int RunCustomers(string dataDirectory, int count)
    {
        using var database = LiteDbFiles.Open(new StorageOptions { DataDirectory = dataDirectory }, "raw-directory");
        var customers = database.GetCollection("customers");
        customers.EnsureIndex("address", "$.Address", unique: true);
        return Report(count, i => customers.Insert(new BsonDocument
        {
            ["_id"] = Guid.CreateVersion7().ToString("N"),
            ["Address"] = $"raw{i}@bench.example",
            ["DisplayName"] = $"Raw Customer {i}",
            ["ProjectKeys"] = new BsonArray(new BsonValue("BENCH")),
            ["CreatedAt"] = DateTime.UtcNow,
            ["Version"] = 1L,
        }));
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

    private static int Report(int count, Action<int> insert)
    {
        for (var i = 0; i < WarmUp; i++)
        {
            insert(-1 - i);
        }

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            insert(i);
        }

        Console.WriteLine((count / clock.Elapsed.TotalSeconds).ToString("F1", CultureInfo.InvariantCulture));
        return 0;
    }
}
