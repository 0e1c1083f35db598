using System.Diagnostics;
using System.Security.Cryptography;
using ServiceDesk.Directory.Customers;
using ServiceDesk.Directory.Projects;
using ServiceDesk.Directory.Suggestions;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Storage;
using ServiceDesk.Storage.LiteDb;

namespace ServiceDesk.Directory.PickerBench;

/// <summary>
/// A Directory LiteDB file with N customers in project HELP, written through <see cref="LiteDbCustomerStore"/> (one
/// transaction per customer, as CreateCustomer writes them, without the events) and kept for later runs.
/// Names: 40 first × 40 last names, some accented; addresses first.last{n}@companyNN.example on 25 domains.
/// </summary>
internal static class Seeding
{
    public const string Project = "HELP";

    /// <summary>Any key will do: a seeded file holds no tombstones for the store to look up.</summary>
    private static readonly TombstonePepper SeedingPepper = new(RandomNumberGenerator.GetBytes(32));

    private static readonly string[] FirstNames =
    [
        "José", "Jane", "John", "Joan", "Jonas", "Josephine", "María", "Ana", "Anna", "Annette", "Andrew", "Peter", "Paul", "Lucy", "Jim",
        "Zoë", "Émile", "Søren", "Łukasz", "Chloé", "Noah", "Liam", "Olivia", "Emma", "Amelia", "Mia", "Lucas", "Mateo", "Sofía", "Hugo",
        "Léa", "Björn", "Inès", "Omar", "Aisha", "Kenji", "Yuki", "Priya", "Diego", "Nora",
    ];

    private static readonly string[] LastNames =
    [
        "Álvarez", "Smith", "Doe", "Roe", "Jones", "Johnson", "Brown", "García", "López", "Miller", "Müller", "Dubois", "Rossi", "Nowak",
        "Kowalski", "Novák", "Jensen", "Hansen", "Silva", "Santos", "Pérez", "Gómez", "Martín", "Sánchez", "Anders", "Torres", "Flores",
        "Nguyen", "Tanaka", "Suzuki", "Kim", "Lee", "Park", "Singh", "Patel", "Khan", "Ali", "Wilson", "Taylor", "Walker",
    ];

    /// <summary>The seeded file for <paramref name="count"/> customers under <paramref name="cacheDirectory"/>, written first if missing.</summary>
    public static async Task<string> SeededFileAsync(string cacheDirectory, int count)
    {
        var directory = Path.Combine(cacheDirectory, $"seed-{count}");
        var file = Path.Combine(directory, "directory.db");
        if (File.Exists(Path.Combine(directory, "complete")))
        {
            Console.WriteLine($"Reusing {count:N0} seeded customers in {file}.");
            return file;
        }

        if (Path.Exists(directory))
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }

        var clock = Stopwatch.StartNew();
        using (var database = LiteDbFiles.Open(new StorageOptions { DataDirectory = directory }, "directory"))
        {
            var customers = new LiteDbCustomerStore(database, new LiteDbOutboxStore(database), SeedingPepper);
            await new LiteDbProjectStore(database).RegisterAsync(Project, DateTimeOffset.UtcNow, CancellationToken.None);
            var random = new Random(42);
            for (var i = 0; i < count; i++)
            {
                var first = FirstNames[random.Next(FirstNames.Length)];
                var last = LastNames[random.Next(LastNames.Length)];
                var address = $"{Ascii(first)}.{Ascii(last)}{i}@company{random.Next(25):D2}.example";
                var customer = Customer.New(Guid.CreateVersion7().ToString("N"), address, $"{first} {last}", null, [Project], DateTimeOffset.UtcNow);
                await customers.InsertAsync(customer, [], CancellationToken.None);
            }

            database.Checkpoint();
        }

        await File.WriteAllTextAsync(Path.Combine(directory, "complete"), $"{count}\n");
        Console.WriteLine($"Seeded {count:N0} customers in {clock.Elapsed.TotalSeconds:F0} s: {file} ({new FileInfo(file).Length / 1024 / 1024} MiB).");
        return file;
    }

    private static string Ascii(string name) => SearchKeys.SortKey(name).Replace(' ', '.');
}
