using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Directory.Customers;
using ServiceDesk.Directory.Projects;
using ServiceDesk.Directory.Suggestions;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Storage;
using ServiceDesk.Storage.LiteDb;

// Usage: dotnet run -c Release --project bench/ServiceDesk.Directory.SuggestBench -- [customers] [data directory]
// Seeds the customers into a fresh LiteDB file through LiteDbCustomerStore (every customer in HELP, every
// third also in SALES; 40 x 40 names, some accented; 25 domains; no outbox events, which look-ups never read),
// then times each look-up on a warm file.
// Given the data directory of an earlier run, it reuses that file instead of seeding again.
var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var dataDirectory = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), $"suggest-bench-{Guid.NewGuid():N}");
string[] first =
[
    "José", "Jane", "John", "María", "Ana", "Peter", "Paul", "Lucy", "Jim", "Joan", "Zoë", "Émile", "Søren", "Łukasz", "Chloé", "Noah",
    "Liam", "Olivia", "Emma", "Amelia", "Mia", "Lucas", "Mateo", "Sofía", "Hugo", "Léa", "Björn", "Inès", "Omar", "Aisha", "Kenji", "Yuki",
    "Chen", "Priya", "Ravi", "Fatima", "Diego", "Camila", "Nora", "Elias",
];
string[] last =
[
    "Álvarez", "Smith", "Doe", "Jones", "Brown", "García", "López", "Miller", "Müller", "Dubois", "Rossi", "Nowak", "Kowalski", "Novák",
    "Jensen", "Hansen", "Silva", "Santos", "Pérez", "Gómez", "Martín", "Sánchez", "Ramírez", "Torres", "Flores", "Nguyen", "Tanaka",
    "Suzuki", "Kim", "Lee", "Park", "Singh", "Patel", "Khan", "Ali", "Wilson", "Taylor", "Moore", "Clark", "Walker",
];
var domains = Enumerable.Range(0, 25).Select(i => $"company{i:D2}.example").ToArray();

using var database = LiteDbFiles.Open(new StorageOptions { DataDirectory = dataDirectory }, "directory");
// Any tombstone key will do: the seeded file holds no tombstones for the store to look up.
var customers = new LiteDbCustomerStore(database, new LiteDbOutboxStore(database), new TombstonePepper(RandomNumberGenerator.GetBytes(32)));
var projects = new LiteDbProjectStore(database);
var seeded = !await projects.RegisterAsync("HELP", DateTimeOffset.UtcNow, default);
await projects.RegisterAsync("SALES", DateTimeOffset.UtcNow, default);
// The in-memory index every replica keeps, timed against a scan of every customer held in memory, in the same run.
var inMemory = new SuggestionIndex();
using var metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
var suggester = new CustomerSuggester(customers, projects, inMemory, metrics.GetRequiredService<IMeterFactory>());

var seeding = Stopwatch.StartNew();
var random = new Random(42);
for (var i = 0; i < count && !seeded; i++)
{
    var firstName = first[random.Next(first.Length)];
    var lastName = last[random.Next(last.Length)];
    var address = $"{Ascii(firstName)}.{Ascii(lastName)}{i}@{domains[random.Next(domains.Length)]}";
    var now = DateTimeOffset.UtcNow;
    await customers.InsertAsync(
        new Customer(Guid.CreateVersion7().ToString("N"), address, $"{firstName} {lastName}", null, i % 3 == 0 ? ["HELP", "SALES"] : ["HELP"], now, now, 1),
        [],
        default);
}

seeding.Stop();
Console.WriteLine($"{(seeded ? "Reused" : "Seeded")} {count:N0} customers in {seeding.Elapsed.TotalSeconds:F0} s; file {new FileInfo(Path.Combine(dataDirectory, "directory.db")).Length / 1024 / 1024} MiB.");
var loading = Stopwatch.StartNew();
var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
await inMemory.LoadAsync(await customers.GetChangeStampsAsync(default), AllCustomersAsync(customers), default);
loading.Stop();
var everyone = await AllCustomersAsync(customers).ToListAsync();
Console.WriteLine($"In-memory index loaded in {loading.Elapsed.TotalSeconds:F1} s; {(GC.GetTotalMemory(forceFullCollection: true) - memoryBefore) / 1024 / 1024} MiB.");
Console.WriteLine();
// Wall time depends on what else the machine runs; this process's CPU time per look-up does much less.
Console.WriteLine("| project | text | limit | results | first kind | median ms | p95 ms | max ms | median CPU ms | scan median ms | index ÷ scan |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
(string Project, string Text, int Limit)[] lookUps =
[
    ("HELP", "j", 10), ("HELP", "jo", 10), ("HELP", "jose", 10), ("HELP", "jose alv", 10), ("HELP", "ALV", 10), ("HELP", "s", 50),
    ("HELP", "company0", 10), ("HELP", "company07.example", 10), ("HELP", "jose.alvarez1", 10), ("HELP", "zoe.kim", 10),
    ("HELP", "nobody", 10), ("HELP", "x", 10), ("SALES", "jo", 10), ("SALES", "company1", 50),
];
foreach (var (project, text, limit) in lookUps)
{
    var (result, timings, cpuTimings) = await TimeAsync(suggester, project, text, limit, runs: 200);
    var scanTimings = new List<double>();
    for (var run = 0; run < 5; run++)
    {
        var clock = Stopwatch.StartNew();
        _ = Scan(everyone, project, text, limit);
        scanTimings.Add(clock.Elapsed.TotalMilliseconds);
    }

    scanTimings.Sort();
    if (!result.Select(s => s.Customer.Id).SequenceEqual(Scan(everyone, project, text, limit)))
    {
        throw new InvalidOperationException($"The index and the scan disagree for '{text}' in {project}.");
    }

    var median = timings[timings.Count / 2];
    var storeMedian = scanTimings[scanTimings.Count / 2];
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"| {project} | `{text}` | {limit} | {result.Count} | {(result.Count > 0 ? result[0].Match : "-")} | {median:F3} | {timings[(int)(timings.Count * 0.95)]:F3} | {timings[^1]:F2} | {cpuTimings[cpuTimings.Count / 2]:F2} | {storeMedian:F2} | {median / storeMedian:F3} |"));
}

// Every kind of match in turn, each in name order, as the suggester ranks them.
static List<string> Scan(List<Customer> everyone, string project, string text, int limit)
{
    var found = new List<string>();
    foreach (var (_, key) in SearchKeys.LookUps(project, text))
    {
        found.AddRange(everyone
            .Where(customer => customer.ProjectKeys.Contains(project) && !found.Contains(customer.Id) && SearchKeys.For(customer).Any(key.Matches))
            .OrderBy(customer => SearchKeys.NameOrder(project, customer), StringComparer.Ordinal)
            .Take(limit - found.Count)
            .Select(customer => customer.Id)
            .ToList());
    }

    return found;
}

static async Task<(IReadOnlyList<Suggestion> Result, List<double> Timings, List<double> CpuTimings)> TimeAsync(
    CustomerSuggester suggester, string project, string text, int limit, int runs)
{
    await suggester.SuggestAsync(project, text, limit, default);
    var timings = new List<double>();
    var cpuTimings = new List<double>();
    IReadOnlyList<Suggestion> result = [];
    for (var run = 0; run < runs; run++)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        result = await suggester.SuggestAsync(project, text, limit, default);
        timings.Add(clock.Elapsed.TotalMilliseconds);
        cpuTimings.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
    }

    timings.Sort();
    cpuTimings.Sort();
    return (result, timings, cpuTimings);
}

static async IAsyncEnumerable<Customer> AllCustomersAsync(LiteDbCustomerStore store)
{
    string? after = null;
    while (true)
    {
        var page = await store.ListAsync(projectKey: null, after, 1_000, default);
        foreach (var customer in page)
        {
            yield return customer;
        }

        if (page.Count < 1_000)
        {
            yield break;
        }

        after = page[^1].Address;
    }
}

static string Ascii(string name) => SearchKeys.SortKey(name);
