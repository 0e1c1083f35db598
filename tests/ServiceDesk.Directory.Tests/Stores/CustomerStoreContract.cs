using ServiceDesk.Directory.Customers;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Messaging.Publishing;
using Xunit;

namespace ServiceDesk.Directory.Tests.Stores;

public abstract class CustomerStoreContract(IStoreBackend backend) : IDisposable
{
    public void Dispose() => (backend as IDisposable)?.Dispose();

    private ICustomerStore NewStore() => NewStores().Customers;

    /// <summary>A customer store and the outbox it records events in, over one fresh database.</summary>
    private (ICustomerStore Customers, IOutboxStore Outbox) NewStores() => backend.Open<(ICustomerStore, IOutboxStore)>(
        db =>
        {
            var outbox = new LiteDbOutboxStore(db);
            return (new LiteDbCustomerStore(db, outbox, TestData.Pepper), outbox);
        },
        db =>
        {
            var outbox = new MongoOutboxStore(db);
            return (new MongoCustomerStore(db, outbox, TestData.Pepper), outbox);
        });

    [SkippableFact]
    public async Task The_outbox_holds_exactly_the_events_of_committed_changes_and_none_of_rejected_ones()
    {
        var (customers, outbox) = NewStores();
        var jane = TestData.Customer();
        var john = TestData.Customer();

        await customers.InsertAsync(jane, [Event("e1 jane created")], default);
        await customers.InsertAsync(john, [Event("e2 john created"), Event("e3 john created, second event")], default);
        await Assert.ThrowsAsync<AddressTakenException>(() => customers.InsertAsync(TestData.Customer(jane.Address), [Event("x duplicate address")], default));
        Assert.NotNull(await customers.ReplaceAsync(jane with { DisplayName = "Jane Roe", Version = 2 }, 1, [Event("e4 jane renamed")], default));
        Assert.Null(await customers.ReplaceAsync(jane with { DisplayName = "Stale", Version = 2 }, 1, [Event("x stale version")], default));
        await Assert.ThrowsAsync<AddressTakenException>(() => customers.ReplaceAsync(john with { Address = jane.Address, Version = 2 }, 1, [Event("x taken address")], default));
        Assert.Null(await customers.ReplaceAsync(TestData.Customer(), 1, [Event("x no such customer")], default));

        var pending = await outbox.ReadPendingAsync(100, default);
        Assert.Equal(["e1 jane created", "e2 john created", "e3 john created, second event", "e4 jane renamed"], pending.Select(e => e.EventId));
        var renamed = Event("e4 jane renamed");
        Assert.Equal(renamed with { Envelope = pending[3].Envelope }, pending[3]);
        Assert.Equal(renamed.Envelope, pending[3].Envelope);
        AssertSame(jane with { DisplayName = "Jane Roe", Version = 2 }, (await customers.GetAsync(jane.Id, default))!);
        AssertSame(john, (await customers.GetAsync(john.Id, default))!);
    }

    [SkippableFact]
    public async Task Every_write_raises_the_change_stamp_of_each_project_the_customer_was_or_is_in_and_a_refused_one_raises_none()
    {
        var customers = NewStore();
        var jane = TestData.Customer(projectKeys: ["HELP", "SALES"]);
        var john = TestData.Customer(projectKeys: "HELP");
        Assert.Equal(0, await customers.GetChangeStampAsync("HELP", default));

        Assert.Equal(Stamps(("HELP", 1), ("SALES", 1)), await customers.InsertAsync(jane, [], default));
        Assert.Equal(Stamps(("HELP", 2)), await customers.InsertAsync(john, [], default));
        await Assert.ThrowsAsync<AddressTakenException>(() => customers.InsertAsync(TestData.Customer(jane.Address, projectKeys: "OPS"), [], default));
        Assert.Null(await customers.ReplaceAsync(john with { DisplayName = "Stale", Version = 2 }, 5, [], default));
        // Leaving SALES for OPS: SALES must learn she is gone, OPS that she came, HELP that she changed.
        var moved = jane with { ProjectKeys = ["HELP", "OPS"], Version = 2 };
        Assert.Equal(Stamps(("HELP", 3), ("OPS", 1), ("SALES", 2)), await customers.ReplaceAsync(moved, 1, [], default));

        Assert.Equal(3, await customers.GetChangeStampAsync("HELP", default));
        Assert.Equal(2, await customers.GetChangeStampAsync("SALES", default));
        Assert.Equal(0, await customers.GetChangeStampAsync("NONE", default));
        Assert.Equal(Stamps(("HELP", 3), ("OPS", 1), ("SALES", 2)), await customers.GetChangeStampsAsync(default));
    }

    [SkippableFact]
    public async Task Concurrent_writes_of_one_project_take_distinct_stamps()
    {
        var customers = NewStore();

        var taken = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => customers.InsertAsync(TestData.Customer(projectKeys: "HELP"), [], default))));

        Assert.Equal(Enumerable.Range(1, 8).Select(stamp => (long)stamp), taken.Select(stamps => stamps["HELP"]).Order());
        Assert.Equal(8, await customers.GetChangeStampAsync("HELP", default));
    }

    [SkippableFact]
    public async Task An_inserted_customer_reads_back_unchanged()
    {
        var customers = NewStore();
        var jane = TestData.Customer(organizationId: TestData.Id(), projectKeys: ["HELP", "SALES"]);

        await customers.InsertAsync(jane, AnEvent(), default);

        var read = await customers.GetAsync(jane.Id, default);
        Assert.NotNull(read);
        AssertSame(jane, read);
        Assert.Null(await customers.GetAsync(TestData.Id(), default));
    }

    [SkippableFact]
    public async Task Memberships_and_the_profile_version_read_back_as_written_and_a_record_without_them_reads_back_without()
    {
        var customers = NewStore();
        var jane = TestData.Customer(projectKeys: "HELP");
        var invited = (jane with { ProjectKeys = ["HELP", "SALES"] }).StampedAfter(jane, TestData.Now.AddMinutes(5));
        var renamed = (invited with { DisplayName = "Jane Roe", DisplayNameChosenByCustomer = true, ProjectsLeftByStaff = ["OPS"] }).StampedAfter(invited, TestData.Now.AddMinutes(9));
        var older = TestData.Customer(projectKeys: "HELP") with { Memberships = [], ProfileVersion = null, ProfileUpdatedAt = null };
        await customers.InsertAsync(jane, AnEvent(), default);
        await customers.InsertAsync(older, AnEvent(), default);

        Assert.NotNull(await customers.ReplaceAsync(invited, jane.Version, AnEvent(), default));
        Assert.NotNull(await customers.ReplaceAsync(renamed, invited.Version, AnEvent(), default));

        var read = (await customers.GetAsync(jane.Id, default))!;
        AssertSame(renamed, read);
        Assert.Equal([new ProjectMembership("HELP", TestData.Now, 1), new ProjectMembership("SALES", TestData.Now.AddMinutes(5), 1)], read.Memberships);
        Assert.Equal(2, read.ProfileVersion);
        Assert.Equal(TestData.Now.AddMinutes(9), read.ProfileUpdatedAt);
        Assert.True(read.DisplayNameChosenByCustomer);
        Assert.Equal(["OPS"], read.ProjectsLeftByStaff);
        Assert.Equal(new ProfileHistory([new PreviousName(jane.DisplayName, false)], []), read.History);
        AssertSame(older, (await customers.GetAsync(older.Id, default))!);
    }

    [SkippableFact]
    public async Task A_customer_is_found_by_their_address_and_no_longer_by_an_old_one()
    {
        var customers = NewStore();
        var jane = TestData.Customer();
        await customers.InsertAsync(jane, AnEvent(), default);
        var moved = jane with { Address = TestData.Address(), Version = 2 };
        Assert.NotNull(await customers.ReplaceAsync(moved, 1, AnEvent(), default));

        Assert.Equal(jane.Id, (await customers.FindByAddressAsync(moved.Address, default))?.Id);
        Assert.Null(await customers.FindByAddressAsync(jane.Address, default));
    }

    [SkippableFact]
    public async Task A_taken_address_reports_the_existing_customer()
    {
        var customers = NewStore();
        var jane = TestData.Customer();
        await customers.InsertAsync(jane, AnEvent(), default);

        var taken = await Assert.ThrowsAsync<AddressTakenException>(() => customers.InsertAsync(TestData.Customer(jane.Address), AnEvent(), default));

        Assert.Equal(jane.Id, taken.ExistingCustomerId);
    }

    [SkippableFact]
    public async Task Concurrent_inserts_of_one_address_keep_exactly_one_and_the_others_name_it()
    {
        var (customers, outbox) = NewStores();
        var address = TestData.Address();
        var candidates = Enumerable.Range(0, 8).Select(_ => TestData.Customer(address)).ToList();

        var outcomes = await Task.WhenAll(candidates.Select(candidate => Task.Run(async () =>
        {
            try
            {
                await customers.InsertAsync(candidate, [Event(candidate.Id)], default);
                return (Won: true, Existing: (string?)null);
            }
            catch (AddressTakenException taken)
            {
                return (Won: false, Existing: taken.ExistingCustomerId);
            }
        })));

        var winner = candidates[Array.FindIndex(outcomes, outcome => outcome.Won)];
        Assert.Single(outcomes, outcome => outcome.Won);
        Assert.All(outcomes.Where(outcome => !outcome.Won), outcome => Assert.Equal(winner.Id, outcome.Existing));
        Assert.NotNull(await customers.GetAsync(winner.Id, default));
        Assert.Equal([winner.Id], (await outbox.ReadPendingAsync(100, default)).Select(e => e.EventId));
    }

    [SkippableFact]
    public async Task A_replace_at_the_expected_version_is_written_and_one_at_another_version_is_not()
    {
        var customers = NewStore();
        var jane = TestData.Customer(projectKeys: "HELP");
        await customers.InsertAsync(jane, AnEvent(), default);
        var renamed = jane with { DisplayName = "Jane Roe", ProjectKeys = ["SALES"], OrganizationId = TestData.Id(), Version = 2, UpdatedAt = TestData.Now.AddMinutes(1) };

        Assert.NotNull(await customers.ReplaceAsync(renamed, expectedVersion: 1, AnEvent(), default));
        Assert.Null(await customers.ReplaceAsync(renamed with { DisplayName = "Stale" }, expectedVersion: 1, AnEvent(), default));
        Assert.Null(await customers.ReplaceAsync(TestData.Customer(), expectedVersion: 1, AnEvent(), default));

        AssertSame(renamed, (await customers.GetAsync(jane.Id, default))!);
    }

    [SkippableFact]
    public async Task Concurrent_replaces_at_one_version_let_exactly_one_win()
    {
        var (customers, outbox) = NewStores();
        var jane = TestData.Customer();
        await customers.InsertAsync(jane, [Event("inserted")], default);

        var written = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => customers.ReplaceAsync(jane with { DisplayName = $"Writer {i}", Version = 2 }, expectedVersion: 1, [Event($"writer {i}")], default))));

        Assert.Single(written, stamps => stamps is not null);
        var winner = Array.FindIndex(written, stamps => stamps is not null);
        Assert.Equal($"Writer {winner}", (await customers.GetAsync(jane.Id, default))!.DisplayName);
        Assert.Equal(["inserted", $"writer {winner}"], (await outbox.ReadPendingAsync(100, default)).Select(e => e.EventId));
    }

    [SkippableFact]
    public async Task A_replace_to_a_taken_address_reports_its_owner_and_changes_nothing()
    {
        var customers = NewStore();
        var jane = TestData.Customer();
        var john = TestData.Customer();
        await customers.InsertAsync(jane, AnEvent(), default);
        await customers.InsertAsync(john, AnEvent(), default);

        var taken = await Assert.ThrowsAsync<AddressTakenException>(
            () => customers.ReplaceAsync(john with { Address = jane.Address, Version = 2 }, expectedVersion: 1, AnEvent(), default));

        Assert.Equal(jane.Id, taken.ExistingCustomerId);
        AssertSame(john, (await customers.GetAsync(john.Id, default))!);
    }

    [SkippableFact]
    public async Task Lists_page_in_address_order_overall_per_project_and_per_organization()
    {
        var customers = NewStore();
        var organization = TestData.Id();
        var carol = TestData.Customer("carol@example.com", organizationId: organization, projectKeys: ["HELP", "SALES"]);
        var alice = TestData.Customer("alice@example.com", projectKeys: "HELP");
        var bob = TestData.Customer("bob@example.com", organizationId: organization, projectKeys: "SALES");
        var dave = TestData.Customer("dave@example.com", organizationId: organization);
        foreach (var customer in new[] { carol, alice, bob, dave })
        {
            await customers.InsertAsync(customer, AnEvent(), default);
        }

        Assert.Equal([alice.Id, bob.Id, carol.Id, dave.Id], Ids(await customers.ListAsync(null, null, 10, default)));
        Assert.Equal([alice.Id, bob.Id], Ids(await customers.ListAsync(null, null, 2, default)));
        Assert.Equal([carol.Id, dave.Id], Ids(await customers.ListAsync(null, bob.Address, 10, default)));
        Assert.Equal([alice.Id, carol.Id], Ids(await customers.ListAsync("HELP", null, 10, default)));
        Assert.Equal([carol.Id], Ids(await customers.ListAsync("HELP", alice.Address, 10, default)));
        Assert.Empty(await customers.ListAsync("HELP", carol.Address, 10, default));
        Assert.Empty(await customers.ListAsync("NONE", null, 10, default));
        Assert.Equal([bob.Id, carol.Id, dave.Id], Ids(await customers.ListByOrganizationAsync(organization, null, null, 10, default)));
        Assert.Equal([dave.Id], Ids(await customers.ListByOrganizationAsync(organization, null, carol.Address, 10, default)));
        Assert.Empty(await customers.ListByOrganizationAsync(TestData.Id(), null, null, 10, default));
    }

    [SkippableFact]
    public async Task Organization_lists_filtered_by_projects_keep_only_members_of_those_projects_alone_and_fill_their_pages()
    {
        var customers = NewStore();
        var organization = TestData.Id();
        var members = new[]
        {
            TestData.Customer("a@example.com", organizationId: organization, projectKeys: "SALES"),
            TestData.Customer("b@example.com", organizationId: organization, projectKeys: ["HELP", "SALES"]),
            TestData.Customer("c@example.com", organizationId: organization),
            TestData.Customer("d@example.com", organizationId: organization, projectKeys: "OPS"),
            TestData.Customer("e@example.com", organizationId: organization, projectKeys: "HELP"),
            TestData.Customer("f@example.com", projectKeys: "HELP"),
        };
        foreach (var customer in members)
        {
            await customers.InsertAsync(customer, AnEvent(), default);
        }

        var help = new HashSet<string> { "HELP" };
        var helpOrOps = new HashSet<string> { "HELP", "OPS" };
        var helpOrSales = new HashSet<string> { "HELP", "SALES" };
        Assert.Equal([members[4].Id], Ids(await customers.ListByOrganizationAsync(organization, help, null, 10, default)));
        Assert.Equal([members[3].Id], Ids(await customers.ListByOrganizationAsync(organization, helpOrOps, null, 1, default)));
        Assert.Equal([members[4].Id], Ids(await customers.ListByOrganizationAsync(organization, helpOrOps, members[3].Address, 1, default)));
        Assert.Equal([members[0].Id, members[1].Id], Ids(await customers.ListByOrganizationAsync(organization, helpOrSales, null, 2, default)));
        Assert.Equal([members[4].Id], Ids(await customers.ListByOrganizationAsync(organization, helpOrSales, members[1].Address, 2, default)));
        Assert.Empty(await customers.ListByOrganizationAsync(organization, new HashSet<string> { "NONE" }, null, 10, default));
    }

    [SkippableFact]
    public async Task Summaries_of_several_customers_are_read_by_id_in_one_call_and_unknown_ids_are_left_out()
    {
        var customers = NewStore();
        var jane = TestData.Customer(displayName: "Jane Roe", projectKeys: ["HELP", "OPS"]);
        var john = TestData.Customer(displayName: "John Doe", projectKeys: "HELP");
        await customers.InsertAsync(jane, AnEvent(), default);
        await customers.InsertAsync(john, AnEvent(), default);

        var found = await customers.GetSummariesAsync([john.Id, TestData.Id(), jane.Id], default);

        Assert.Equal(new[] { jane.Id, john.Id }.Order(StringComparer.Ordinal), found.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((jane.Address, "Jane Roe"), (found[jane.Id].Address, found[jane.Id].DisplayName));
        Assert.Equal(["HELP", "OPS"], found[jane.Id].ProjectKeys);
        Assert.Empty(await customers.GetSummariesAsync([], default));
    }

    private static Dictionary<string, long> Stamps(params (string Project, long Stamp)[] stamps) =>
        stamps.ToDictionary(stamp => stamp.Project, stamp => stamp.Stamp, StringComparer.Ordinal);

    private static string[] Ids(IEnumerable<Customer> customers) => [.. customers.Select(customer => customer.Id)];

    /// <summary>A stand-in for a prepared event: the store records whatever envelope bytes it is given.</summary>
    private static OutgoingEvent Event(string eventId) => new(eventId, "customers", "servicedesk.events.v1.CustomerUpdated", [.. eventId.Select(c => (byte)c)]);

    private static IReadOnlyList<OutgoingEvent> AnEvent() => [Event(Guid.NewGuid().ToString("N"))];

    private static readonly string[] NoProjects = [];
    private static readonly ProjectMembership[] NoMemberships = [];

    private static void AssertSame(Customer expected, Customer actual)
    {
        Assert.Equal(
            expected with { ProjectKeys = NoProjects, Memberships = NoMemberships, ProjectsLeftByStaff = NoProjects },
            actual with { ProjectKeys = NoProjects, Memberships = NoMemberships, ProjectsLeftByStaff = NoProjects });
        Assert.Equal(expected.ProjectKeys, actual.ProjectKeys);
        Assert.Equal(expected.ProjectsLeftByStaff, actual.ProjectsLeftByStaff);
        Assert.Equal(expected.Memberships, actual.Memberships);
    }
}

public sealed class LiteDbCustomerStoreTests() : CustomerStoreContract(new LiteDbBackend());

public sealed class MongoCustomerStoreTests() : CustomerStoreContract(new MongoBackend());
