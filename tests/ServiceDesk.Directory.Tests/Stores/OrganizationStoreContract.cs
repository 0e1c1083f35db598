using ServiceDesk.Directory.Organizations;
using Xunit;

namespace ServiceDesk.Directory.Tests.Stores;

public abstract class OrganizationStoreContract(IStoreBackend backend) : IDisposable
{
    public void Dispose() => (backend as IDisposable)?.Dispose();

    private IOrganizationStore NewStore() => backend.Open<IOrganizationStore>(db => new LiteDbOrganizationStore(db), db => new MongoOrganizationStore(db));

    [SkippableFact]
    public async Task An_inserted_organization_reads_back_unchanged()
    {
        var organizations = NewStore();
        var acme = new Organization(TestData.Id(), "Acme Ltd", TestData.Now);

        await organizations.InsertAsync(acme, default);

        Assert.Equal(acme, await organizations.GetAsync(acme.Id, default));
        Assert.Null(await organizations.GetAsync(TestData.Id(), default));
    }

    [SkippableFact]
    public async Task A_name_taken_in_another_case_reports_the_existing_organization()
    {
        var organizations = NewStore();
        var acme = new Organization(TestData.Id(), "Acme Ltd", TestData.Now);
        await organizations.InsertAsync(acme, default);

        var taken = await Assert.ThrowsAsync<OrganizationNameTakenException>(
            () => organizations.InsertAsync(new Organization(TestData.Id(), "ACME LTD", TestData.Now), default));

        Assert.Equal(acme.Id, taken.ExistingOrganizationId);
    }

    [SkippableTheory]
    [InlineData("Σίσυφος", "ΣΊΣΥΦΟΣ")] // final sigma and sigma share their upper case
    [InlineData("\U00010D50", "\U00010D70")] // Garay capital and small a (Unicode 16)
    [InlineData("Meſſe", "MESSE")] // long s
    public async Task Names_one_backend_calls_equal_ignoring_case_are_taken_on_every_backend(string first, string second)
    {
        var organizations = NewStore();
        var existing = new Organization(TestData.Id(), first, TestData.Now);
        await organizations.InsertAsync(existing, default);

        var taken = await Assert.ThrowsAsync<OrganizationNameTakenException>(
            () => organizations.InsertAsync(new Organization(TestData.Id(), second, TestData.Now), default));

        Assert.Equal(existing.Id, taken.ExistingOrganizationId);
    }

    [SkippableFact]
    public async Task Renaming_changes_the_name_and_frees_the_old_one()
    {
        var organizations = NewStore();
        var acme = new Organization(TestData.Id(), "Acme Ltd", TestData.Now);
        await organizations.InsertAsync(acme, default);

        Assert.True(await organizations.RenameAsync(acme.Id, "Acme Group", default));

        Assert.Equal(acme with { Name = "Acme Group" }, await organizations.GetAsync(acme.Id, default));
        await organizations.InsertAsync(new Organization(TestData.Id(), "Acme Ltd", TestData.Now), default);
    }

    [SkippableFact]
    public async Task Renaming_to_its_own_name_in_another_case_is_allowed()
    {
        var organizations = NewStore();
        var acme = new Organization(TestData.Id(), "Acme Ltd", TestData.Now);
        await organizations.InsertAsync(acme, default);

        Assert.True(await organizations.RenameAsync(acme.Id, "ACME Ltd", default));

        Assert.Equal("ACME Ltd", (await organizations.GetAsync(acme.Id, default))!.Name);
    }

    [SkippableFact]
    public async Task Renaming_to_a_taken_name_reports_its_owner_and_changes_nothing()
    {
        var organizations = NewStore();
        var acme = new Organization(TestData.Id(), "Acme Ltd", TestData.Now);
        var globex = new Organization(TestData.Id(), "Globex", TestData.Now);
        await organizations.InsertAsync(acme, default);
        await organizations.InsertAsync(globex, default);

        var taken = await Assert.ThrowsAsync<OrganizationNameTakenException>(() => organizations.RenameAsync(globex.Id, "acme ltd", default));

        Assert.Equal(acme.Id, taken.ExistingOrganizationId);
        Assert.Equal(globex, await organizations.GetAsync(globex.Id, default));
    }

    /// <summary>
    /// A name refused by the unique index while its holder is renamed away: the writer is answered either way (the
    /// name is theirs, or taken by whoever holds it), never with a failure of the store. The holder, looked up after
    /// the refusal, was once gone, and its absence failed the call.
    /// </summary>
    [SkippableFact]
    public async Task A_name_whose_holder_is_renamed_away_meanwhile_is_given_or_refused_but_never_fails()
    {
        var organizations = NewStore();
        var holder = new Organization(TestData.Id(), "Holder 0", TestData.Now);
        var taker = new Organization(TestData.Id(), "Taker", TestData.Now);
        await organizations.InsertAsync(holder, default);
        await organizations.InsertAsync(taker, default);

        for (var round = 0; round < 100; round++)
        {
            var contested = $"Contested {round}";
            Assert.True(await organizations.RenameAsync(holder.Id, contested, default));
            using var start = new Barrier(2);
            var leaving = Task.Run(() =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                return organizations.RenameAsync(holder.Id, $"Holder {round}", default);
            });
            var taking = Task.Run(async () =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                try
                {
                    return await organizations.RenameAsync(taker.Id, contested, default);
                }
                catch (OrganizationNameTakenException taken) when (taken.ExistingOrganizationId == holder.Id)
                {
                    return false;
                }
            });

            Assert.True(await leaving);
            await taking;
        }
    }

    [SkippableFact]
    public async Task Renaming_an_unknown_organization_reports_false()
    {
        var organizations = NewStore();

        Assert.False(await organizations.RenameAsync(TestData.Id(), "Nobody", default));
    }
}

public sealed class LiteDbOrganizationStoreTests() : OrganizationStoreContract(new LiteDbBackend());

public sealed class MongoOrganizationStoreTests() : OrganizationStoreContract(new MongoBackend());
