using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Directory.Suggestions;
using ServiceDesk.Directory.Tests.Api;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Directory.Tests.Suggestions;

/// <summary>
/// Two Directory replicas on one shared LiteDB file: each keeps its own in-memory suggestion index. What one
/// replica writes the other suggests within moments (the broadcast), and a replica that missed the broadcast
/// still never offers a customer the store no longer confirms.
/// </summary>
[Collection(DirectoryApiCollection.Name)]
public sealed class SuggestionReplicaTests(DirectoryHostFixture directory)
{
    [Fact]
    public async Task A_replica_suggests_what_another_wrote_and_never_what_the_store_no_longer_confirms()
    {
        var data = TestDirectory.Create("directory-replicas");
        await using var first = await StartReplicaAsync(data, "replicas-a:");
        await using var second = await StartReplicaAsync(data, "replicas-a:");
        var writer = directory.AdminClientOf(first);
        var project = TestData.ProjectKey();
        await writer.RegisterProjectAsync(new RegisterProjectRequest { ProjectKey = project });
        var anna = await writer.CreateCustomerAsync(new CreateCustomerRequest { Address = TestData.Address(), DisplayName = "Anna Roe", ProjectKeys = { project } });
        var bob = await writer.CreateCustomerAsync(new CreateCustomerRequest { Address = TestData.Address(), DisplayName = "Bob Stays", ProjectKeys = { project } });

        await WaitUntilSuggestedAsync(second, project, "anna", [anna.Id]);

        await writer.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = anna.Id, DisplayName = "Hanna Roe" });
        await writer.RemoveFromProjectAsync(new RemoveFromProjectRequest { CustomerId = bob.Id, ProjectKey = project });

        await WaitUntilSuggestedAsync(second, project, "hanna", [anna.Id]);
        Assert.Empty(await SuggestedAsync(second, project, "anna"));
        Assert.Empty(await SuggestedAsync(second, project, "bob"));
    }

    [Fact]
    public async Task A_replica_that_missed_the_broadcast_never_offers_a_renamed_or_departed_customer_by_its_old_entry()
    {
        var data = TestDirectory.Create("directory-replicas");
        await using var writerHost = await StartReplicaAsync(data, "stale-a:");
        var writer = directory.AdminClientOf(writerHost);
        var project = TestData.ProjectKey();
        await writer.RegisterProjectAsync(new RegisterProjectRequest { ProjectKey = project });
        var anna = await writer.CreateCustomerAsync(new CreateCustomerRequest { Address = TestData.Address(), DisplayName = "Anna Roe", ProjectKeys = { project } });
        var bob = await writer.CreateCustomerAsync(new CreateCustomerRequest { Address = TestData.Address(), DisplayName = "Bob Leaves", ProjectKeys = { project } });
        await using var deaf = await StartReplicaAsync(data, "stale-b:");
        var deafIndex = deaf.Services.GetRequiredService<SuggestionIndex>();
        await Eventually.WaitForAsync(() => deafIndex.IsLoaded, "the replica's suggestion index to load");

        await writer.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = anna.Id, DisplayName = "Hanna Roe" });
        await writer.RemoveFromProjectAsync(new RemoveFromProjectRequest { CustomerId = bob.Id, ProjectKey = project });

        // Its index still proposes both by their old entries...
        Assert.Equal([anna.Id], deafIndex.FindFirstByName(project, SearchKeys.NameWordPrefix(project, "anna")!.Value, 10).Select(customer => customer.Id));
        Assert.Equal([bob.Id], deafIndex.FindFirstByName(project, SearchKeys.NameWordPrefix(project, "bob")!.Value, 10).Select(customer => customer.Id));
        // ...and the store turns both down.

        Assert.Empty(await SuggestedAsync(deaf, project, "anna"));
        Assert.Empty(await SuggestedAsync(deaf, project, "bob"));
    }

    private Task<ServiceHost> StartReplicaAsync(string dataDirectory, string keyPrefix) =>
        ServiceHost.StartAsync(
            ServiceApps.Directory,
            new Dictionary<string, string?>(DirectoryHostFixture.Settings(directory.Redis, directory.Identity))
            {
                ["Storage:LiteDbConnection"] = "Shared",
                ["Messaging:KeyPrefix"] = keyPrefix,
            },
            dataDirectory);

    private async Task<IReadOnlyList<string>> SuggestedAsync(ServiceHost replica, string project, string text) =>
        [.. (await directory.AdminClientOf(replica).SuggestCustomersAsync(new SuggestCustomersRequest { ProjectKey = project, Text = text, Limit = 10 }))
            .Suggestions.Select(suggestion => suggestion.CustomerId)];

    private Task WaitUntilSuggestedAsync(ServiceHost replica, string project, string text, IReadOnlyList<string> expected) =>
        Eventually.WaitForAsync(
            () => SuggestedAsync(replica, project, text),
            suggested => suggested.SequenceEqual(expected),
            $"'{text}' to be suggested by the other replica");
}
