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
/// still never offers a customer the store no longer confirms: its index has not caught up with the store's change
/// stamp, so the store confirms; one that has answers from its index alone.
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
        var (project, anna, bob) = await RegisterProjectWithAnnaAndBobAsync(writer, "Bob Stays");

        await WaitUntilSuggestedAsync(second, project, "anna", [anna.Id]);

        await RenameAnnaAndRemoveBobAsync(writer, project, anna, bob);

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
        var (project, anna, bob) = await RegisterProjectWithAnnaAndBobAsync(writer, "Bob Leaves");
        await using var deaf = await StartReplicaAsync(data, "stale-b:");
        var deafIndex = deaf.Services.GetRequiredService<SuggestionIndex>();
        await Eventually.WaitForAsync(() => deafIndex.IsLoaded, "the replica's suggestion index to load");

        await RenameAnnaAndRemoveBobAsync(writer, project, anna, bob);

        // Its index still proposes both by their old entries...
        Assert.Equal([anna.Id], deafIndex.FindFirstByName(project, LookUps.NameWordPrefix(project, "anna"), 10).Select(customer => customer.Id));
        Assert.Equal([bob.Id], deafIndex.FindFirstByName(project, LookUps.NameWordPrefix(project, "bob"), 10).Select(customer => customer.Id));
        // ...and the store turns both down.

        Assert.Empty(await SuggestedAsync(deaf, project, "anna"));
        Assert.Empty(await SuggestedAsync(deaf, project, "bob"));
    }

    [Fact]
    public async Task A_replica_answers_from_its_index_alone_while_caught_up_with_the_store_and_from_the_store_while_not()
    {
        var data = TestDirectory.Create("directory-replicas");
        await using var writerHost = await StartReplicaAsync(data, "caught-up-a:");
        await using var hearing = await StartReplicaAsync(data, "caught-up-a:");
        var writer = directory.AdminClientOf(writerHost);
        var (project, anna, bob) = await RegisterProjectWithAnnaAndBobAsync(writer, "Bob Leaves");
        await using var deaf = await StartReplicaAsync(data, "caught-up-b:");
        using var writerCalls = new SuggestionCalls(writerHost);
        using var hearingCalls = new SuggestionCalls(hearing);
        using var deafCalls = new SuggestionCalls(deaf);

        // Loaded after the writes: caught up, the index answers alone.
        Assert.Equal([anna.Id], await SuggestedAsync(deaf, project, "anna"));
        Assert.Equal((1, 0), (deafCalls.FromIndex, deafCalls.FromStore));

        await RenameAnnaAndRemoveBobAsync(writer, project, anna, bob);

        // The writer applied its own writes before answering them.
        Assert.Equal([anna.Id], await SuggestedAsync(writerHost, project, "hanna"));
        Assert.Empty(await SuggestedAsync(writerHost, project, "bob"));
        Assert.Equal((2, 0), (writerCalls.FromIndex, writerCalls.FromStore));

        // The deaf replica's index still holds both as they were; the store's stamp says so, and the store turns them down.
        Assert.Empty(await SuggestedAsync(deaf, project, "anna"));
        Assert.Empty(await SuggestedAsync(deaf, project, "bob"));
        Assert.Equal((1, 2), (deafCalls.FromIndex, deafCalls.FromStore));

        // The replica that hears the broadcasts catches up and answers from its index again.
        await Eventually.WaitForAsync(
            async () =>
            {
                var before = hearingCalls.FromIndex;
                return (Suggested: await SuggestedAsync(hearing, project, "hanna"), FromIndex: hearingCalls.FromIndex - before);
            },
            answer => answer.Suggested.SequenceEqual([anna.Id]) && answer.FromIndex == 1,
            "the other replica to answer from its caught-up index");
        var fromIndex = hearingCalls.FromIndex;
        Assert.Empty(await SuggestedAsync(hearing, project, "bob"));
        Assert.Equal(fromIndex + 1, hearingCalls.FromIndex);
    }

    private static async Task<(string Project, Customer Anna, Customer Bob)> RegisterProjectWithAnnaAndBobAsync(
        DirectoryService.DirectoryServiceClient writer, string bobName)
    {
        var project = TestData.ProjectKey();
        await writer.RegisterProjectAsync(new RegisterProjectRequest { ProjectKey = project });
        var anna = await writer.CreateCustomerAsync(new CreateCustomerRequest { Address = TestData.Address(), DisplayName = "Anna Roe", ProjectKeys = { project } });
        var bob = await writer.CreateCustomerAsync(new CreateCustomerRequest { Address = TestData.Address(), DisplayName = bobName, ProjectKeys = { project } });
        return (project, anna, bob);
    }

    /// <summary>Anna becomes "Hanna Roe" and Bob leaves the project: neither may be found by their old entries any more.</summary>
    private static async Task RenameAnnaAndRemoveBobAsync(DirectoryService.DirectoryServiceClient writer, string project, Customer anna, Customer bob)
    {
        await writer.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = anna.Id, DisplayName = "Hanna Roe" });
        await writer.RemoveFromProjectAsync(new RemoveFromProjectRequest { CustomerId = bob.Id, ProjectKey = project });
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
