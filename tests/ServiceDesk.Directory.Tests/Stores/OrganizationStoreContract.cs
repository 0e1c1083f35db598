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

    [SkippableFact]
    public async Task Renaming_an_unknown_organization_reports_false()
    {
        var organizations = NewStore();

        Assert.False(await organizations.RenameAsync(TestData.Id(), "Nobody", default));
    }
}

public sealed class LiteDbOrganizationStoreTests() : OrganizationStoreContract(new LiteDbBackend());

public sealed class MongoOrganizationStoreTests() : OrganizationStoreContract(new MongoBackend());
