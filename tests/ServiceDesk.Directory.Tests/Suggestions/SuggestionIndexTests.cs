using ServiceDesk.Directory.Customers;
using ServiceDesk.Directory.Suggestions;
using Xunit;

namespace ServiceDesk.Directory.Tests.Suggestions;

/// <summary>The in-memory index answers exactly what a scan of every customer would, for rare and common keys alike.</summary>
public sealed class SuggestionIndexTests
{
    private static readonly string[] FirstNames = ["Ann", "Anna", "Annette", "Bob", "Bea", "José", "Zoë", "Ada", "Al", "Li"];
    private static readonly string[] LastNames = ["Álvarez", "Andersen", "Brown", "Roe", "Smith", "Abe", "Zhang"];
    private static readonly string[] Texts = ["a", "an", "ann", "anna", "al", "alv", "b", "jo", "z", "zh", "x", "anna smith", "ex", "example.org", "c7", "ann@", "l", "li", "li ab", "bea.12@c12.example", "c12.example"];

    [Fact]
    public async Task Finds_the_same_customers_in_the_same_order_as_a_scan_for_rare_and_common_keys()
    {
        var random = new Random(20261201);
        var customers = Enumerable.Range(0, 6_000).Select(i => NewCustomer(random, i)).ToList();
        var index = new SuggestionIndex();
        await index.LoadAsync(NoStamps, customers.ToAsyncEnumerable(), CancellationToken.None);

        foreach (var project in new[] { "HELP", "OPS" })
        {
            foreach (var text in Texts)
            {
                foreach (var key in new[] { SearchKeys.ExactAddress(project, text), SearchKeys.NameWordPrefix(project, text), SearchKeys.AddressPrefix(project, text) }.OfType<SearchKeyMatch>())
                {
                    Assert.Equal(Scan(customers, project, key, 10), Ids(index.FindFirstByName(project, key, 10)));
                }
            }
        }
    }

    [Fact]
    public async Task Still_finds_what_a_scan_finds_after_renames_and_removals()
    {
        var random = new Random(20261202);
        var customers = Enumerable.Range(0, 3_000).Select(i => NewCustomer(random, i)).ToList();
        var index = new SuggestionIndex();
        await index.LoadAsync(NoStamps, customers.ToAsyncEnumerable(), CancellationToken.None);
        for (var i = 0; i < customers.Count; i += 3)
        {
            index.Remove(customers[i].Id);
            var renamed = NewCustomer(random, i + 1) with { Id = customers[i + 1].Id, Version = customers[i + 1].Version + 1 };
            index.Upsert(renamed);
            customers[i + 1] = renamed;
        }

        var kept = customers.Where((_, i) => i % 3 != 0).ToList();
        Assert.Equal(kept.Count, index.Count);
        foreach (var text in Texts)
        {
            foreach (var key in new[] { SearchKeys.ExactAddress("HELP", text), SearchKeys.NameWordPrefix("HELP", text), SearchKeys.AddressPrefix("HELP", text) }.OfType<SearchKeyMatch>())
            {
                Assert.Equal(Scan(kept, "HELP", key, 10), Ids(index.FindFirstByName("HELP", key, 10)));
            }
        }
    }

    [Fact]
    public async Task An_older_version_never_replaces_a_newer_one_and_a_reload_drops_what_the_store_no_longer_has()
    {
        var index = new SuggestionIndex();
        var renamed = TestData.Customer(displayName: "New Name", projectKeys: "HELP") with { Version = 2 };
        var gone = TestData.Customer(displayName: "Gone Soon", projectKeys: "HELP");
        index.Upsert(renamed);
        index.Upsert(gone);
        index.Upsert(renamed with { DisplayName = "Old Name", Version = 1 });

        Assert.Equal([renamed.Id], Ids(index.FindFirstByName("HELP", SearchKeys.NameWordPrefix("HELP", "new")!.Value, 10)));
        Assert.Empty(index.FindFirstByName("HELP", SearchKeys.NameWordPrefix("HELP", "old")!.Value, 10));

        await index.LoadAsync(NoStamps, new[] { renamed }.ToAsyncEnumerable(), CancellationToken.None);

        Assert.True(index.IsLoaded);
        Assert.Equal(1, index.Count);
        Assert.Empty(index.FindFirstByName("HELP", SearchKeys.NameWordPrefix("HELP", "gone")!.Value, 10));

        index.Remove(renamed.Id);
        Assert.Equal(0, index.Count);
        Assert.Empty(index.FindFirstByName("HELP", SearchKeys.NameWordPrefix("HELP", "n")!.Value, 10));
    }

    private static readonly IReadOnlyDictionary<string, long> NoStamps = new Dictionary<string, long>();

    private static IEnumerable<string> Ids(IEnumerable<CustomerSummary> customers) => customers.Select(customer => customer.Id);

    private static Customer NewCustomer(Random random, int i)
    {
        var first = FirstNames[random.Next(FirstNames.Length)];
        var last = LastNames[random.Next(LastNames.Length)];
        var domain = random.Next(3) == 0 ? "example.org" : $"c{i % 97}.example";
        string[] projects = random.Next(3) switch { 0 => ["HELP"], 1 => ["OPS"], _ => ["HELP", "OPS"] };
        return TestData.Customer($"{first.ToLowerInvariant()}.{i}@{domain}", $"{first} {last}", null, projects);
    }

    private static List<string> Scan(List<Customer> customers, string project, SearchKeyMatch key, int limit) =>
    [
        .. customers.Where(customer => customer.ProjectKeys.Contains(project) && SearchKeys.For(customer).Any(key.Matches))
            .OrderBy(customer => SearchKeys.NameOrder(project, customer), StringComparer.Ordinal)
            .Take(limit)
            .Select(customer => customer.Id),
    ];
}
