using ServiceDesk.Directory.Customers;
using ServiceDesk.Directory.Suggestions;
using Xunit;

namespace ServiceDesk.Directory.Tests.Suggestions;

/// <summary>The in-memory index answers exactly what a scan of every customer would, for rare and common keys alike.</summary>
public sealed class SuggestionIndexTests
{
    private static readonly string[] FirstNames = ["Ann", "Anna", "Annette", "Bob", "Bea", "José", "Zoë", "Ada", "Al", "Li"];
    private static readonly string[] LastNames = ["Álvarez", "Andersen", "Brown", "Roe", "Smith", "Abe", "Zhang"];
    private static readonly string[] Texts =
    [
        "a", "an", "ann", "anna", "al", "alv", "b", "jo", "z", "zh", "x", "anna smith", "anna s", "li a", "ex", "example.org", "c7", "c12.", "ann@", "l", "li",
        "li ab", "bea.12@c12.example", "bea.12", "c12.example",
    ];

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
                foreach (var key in LookUps.All(project, text))
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
            foreach (var key in LookUps.All("HELP", text))
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

        Assert.Equal([renamed.Id], Ids(index.FindFirstByName("HELP", LookUps.NameWordPrefix("HELP", "new"), 10)));
        Assert.Empty(index.FindFirstByName("HELP", LookUps.NameWordPrefix("HELP", "old"), 10));

        await index.LoadAsync(NoStamps, new[] { renamed }.ToAsyncEnumerable(), CancellationToken.None);

        Assert.True(index.IsLoaded);
        Assert.Equal(1, index.Count);
        Assert.Empty(index.FindFirstByName("HELP", LookUps.NameWordPrefix("HELP", "gone"), 10));

        index.Remove(renamed.Id);
        Assert.Equal(0, index.Count);
        Assert.Empty(index.FindFirstByName("HELP", LookUps.NameWordPrefix("HELP", "n"), 10));
    }

    [Fact]
    public async Task A_reload_is_needed_before_the_first_load_after_a_lost_change_and_while_a_removal_is_remembered_and_only_then()
    {
        var index = new SuggestionIndex();
        var anna = TestData.Customer(displayName: "Anna", projectKeys: "HELP");
        Assert.True(index.NeedsLoad(Stamps(("HELP", 2))));
        await index.LoadAsync(Stamps(("HELP", 2)), new[] { anna }.ToAsyncEnumerable(), CancellationToken.None);
        Assert.False(index.NeedsLoad(Stamps(("HELP", 2))));

        index.Changed(TestData.Customer(displayName: "Bob", projectKeys: "HELP"), Stamps(("HELP", 3)));
        Assert.False(index.NeedsLoad(Stamps(("HELP", 3))));

        // The broadcast of stamp 4 was lost; stamp 5 came.
        index.Changed(TestData.Customer(displayName: "Carl", projectKeys: "HELP"), Stamps(("HELP", 5)));
        Assert.True(index.NeedsLoad(Stamps(("HELP", 5))));
        Assert.True(index.NeedsLoad(Stamps(("HELP", 3), ("OPS", 1))));
        await index.LoadAsync(Stamps(("HELP", 5)), new[] { anna }.ToAsyncEnumerable(), CancellationToken.None);
        Assert.False(index.NeedsLoad(Stamps(("HELP", 5))));

        index.Removed(anna.Id, Stamps(("HELP", 6)));
        Assert.True(index.NeedsLoad(Stamps(("HELP", 6))));
        await index.LoadAsync(Stamps(("HELP", 6)), AsyncEnumerable.Empty<Customer>(), CancellationToken.None);
        Assert.False(index.NeedsLoad(Stamps(("HELP", 6))));
    }

    [Fact]
    public async Task Is_current_for_a_project_only_once_every_stamp_up_to_the_stores_is_applied_whatever_their_order()
    {
        var index = new SuggestionIndex();
        await index.LoadAsync(Stamps(("HELP", 4)), AsyncEnumerable.Empty<Customer>(), CancellationToken.None);
        Assert.True(index.IsCurrent("HELP", 4));
        Assert.True(index.IsCurrent("OPS", 0));

        index.Changed(TestData.Customer(projectKeys: "HELP"), Stamps(("HELP", 6)));
        Assert.False(index.IsCurrent("HELP", 6));
        index.Removed(TestData.Id(), Stamps(("HELP", 5)));
        Assert.True(index.IsCurrent("HELP", 6));

        // Stamp 7 was lost on its way: nothing after it counts until a load read after it completes.
        index.Changed(TestData.Customer(projectKeys: "HELP"), Stamps(("HELP", 8)));
        Assert.False(index.IsCurrent("HELP", 8));
        await index.LoadAsync(Stamps(("HELP", 7)), AsyncEnumerable.Empty<Customer>(), CancellationToken.None);
        Assert.True(index.IsCurrent("HELP", 8));
    }

    [Fact]
    public async Task Has_applied_a_change_once_each_of_its_stamps_is_applied_in_order_or_beyond_a_gap()
    {
        var index = new SuggestionIndex();
        await index.LoadAsync(Stamps(("HELP", 2)), AsyncEnumerable.Empty<Customer>(), CancellationToken.None);
        Assert.True(index.HasApplied(Stamps(("HELP", 2))));
        Assert.False(index.HasApplied(Stamps(("HELP", 3))));
        Assert.False(index.HasApplied(Stamps()));

        index.Changed(TestData.Customer(projectKeys: "HELP"), Stamps(("HELP", 4)));
        Assert.True(index.HasApplied(Stamps(("HELP", 4))));
        Assert.False(index.HasApplied(Stamps(("HELP", 3))));
        Assert.False(index.HasApplied(Stamps(("HELP", 4), ("OPS", 1))));

        index.Changed(TestData.Customer(projectKeys: ["HELP", "OPS"]), Stamps(("HELP", 3), ("OPS", 1)));
        Assert.True(index.HasApplied(Stamps(("HELP", 4), ("OPS", 1))));
    }

    [Fact]
    public async Task A_read_older_than_a_removal_never_brings_the_customer_back()
    {
        var index = new SuggestionIndex();
        var anna = TestData.Customer(displayName: "Anna Roe", projectKeys: "HELP");
        var key = LookUps.NameWordPrefix("HELP", "anna");
        await index.LoadAsync(Stamps(("HELP", 1)), new[] { anna }.ToAsyncEnumerable(), CancellationToken.None);

        // Anna renamed (stamp 2), then removed (stamp 3), while a load that read the stamps before the removal runs:
        // the removal is heard first, then a refresh that read her between the two, then the load's read of her.
        var renamed = anna with { DisplayName = "Anna Doe", Version = 2 };
        await index.LoadAsync(Stamps(("HELP", 2)), Yield(renamed, before: () =>
        {
            index.Removed(anna.Id, Stamps(("HELP", 3)));
            index.Changed(renamed, Stamps(("HELP", 2)));
        }), CancellationToken.None);
        Assert.True(index.IsCurrent("HELP", 3));
        Assert.Empty(index.FindFirstByName("HELP", key, 10));

        // Once a load begun after the removal completes, the stale refresh is older than what the index has caught up to.
        await index.LoadAsync(Stamps(("HELP", 3)), AsyncEnumerable.Empty<Customer>(), CancellationToken.None);
        index.Changed(renamed, Stamps(("HELP", 2)));
        Assert.Empty(index.FindFirstByName("HELP", key, 10));
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public async Task Answers_what_the_customer_shows_as_last_written()
    {
        var index = new SuggestionIndex();
        var anna = TestData.Customer("anna@example.org", "Anna Roe", null, "HELP");
        await index.LoadAsync(NoStamps, new[] { anna }.ToAsyncEnumerable(), CancellationToken.None);
        var renamed = (anna with { DisplayName = "Anna Doe" }).StampedAfter(anna, TestData.Now);
        index.Changed(renamed, Stamps(("HELP", 1)));

        Assert.Equal(
            [new CustomerSummary(anna.Id, "anna@example.org", "Anna Doe", ["HELP"])],
            index.FindFirstByName("HELP", LookUps.NameWordPrefix("HELP", "ann"), 10),
            SummaryComparer.Instance);
    }

    private static async IAsyncEnumerable<Customer> Yield(Customer customer, Action before)
    {
        await Task.Yield();
        before();
        yield return customer;
    }

    private static Dictionary<string, long> Stamps(params (string Project, long Stamp)[] stamps) =>
        stamps.ToDictionary(stamp => stamp.Project, stamp => stamp.Stamp, StringComparer.Ordinal);

    private sealed class SummaryComparer : IEqualityComparer<CustomerSummary>
    {
        public static readonly SummaryComparer Instance = new();

        public bool Equals(CustomerSummary? x, CustomerSummary? y) =>
            x!.Id == y!.Id && x.Address == y.Address && x.DisplayName == y.DisplayName && x.ProjectKeys.SequenceEqual(y.ProjectKeys);

        public int GetHashCode(CustomerSummary obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
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
