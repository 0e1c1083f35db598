using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Directory.Tests.Api;
using ServiceDesk.Messaging.Inbox;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ServiceDesk.Directory.Tests.Events;

[Collection(DirectoryApiCollection.Name)]
public sealed class ProjectEventTests(DirectoryHostFixture hosts, ITestOutputHelper output)
{
    [Fact]
    public async Task Directory_learns_project_keys_from_ProjectCreated_and_a_key_it_knows_already_changes_nothing()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var directory = await ServiceHost.StartAsync(ServiceApps.Directory, new Dictionary<string, string?>(TicketingProbe.Messaging(hosts.Redis, prefix))
        {
            ["Auth:Authority"] = hosts.Identity.Endpoints.HttpUri.ToString(),
        });
        await using var ticketing = await TicketingProbe.StartAsync(hosts.Redis, prefix, hosts.Identity, directory);
        var admin = hosts.AdminClientOf(directory);
        var (registered, created) = (TestData.ProjectKey(), TestData.ProjectKey());
        await admin.RegisterProjectAsync(new RegisterProjectRequest { ProjectKey = registered });
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => admin.CreateCustomerAsync(NewCustomer(created)));

        var published = await ticketing.Services.GetRequiredService<IntegrationEvents>().PublishAsync(
            [new ProjectCreated { ProjectKey = registered }, new ProjectCreated { ProjectKey = created }, new ProjectCreated { ProjectKey = created }],
            CancellationToken.None);

        var inbox = directory.Services.GetRequiredService<IInboxStore>();
        var handled = await Eventually.WaitForAsync(
            async () => (await Task.WhenAll(published.Select(e => inbox.IsHandledAsync(e.EventId, CancellationToken.None)))).Count(done => done),
            count => count == published.Count,
            "Directory to handle every ProjectCreated");
        output.WriteLine($"published {published.Count} ProjectCreated events, Directory handled {handled}");

        var jane = await admin.CreateCustomerAsync(NewCustomer(created));
        var john = await admin.CreateCustomerAsync(NewCustomer());
        var joined = await admin.AddToProjectAsync(new AddToProjectRequest { CustomerId = john.Id, ProjectKey = created });
        var agent = IdentityTestHost.Bearer(await hosts.TokenOfNewAsync(Role.Agent, null, created));
        var byAgent = await new DirectoryService.DirectoryServiceClient(directory.Channel).CreateCustomerAsync(NewCustomer(created), agent);
        Assert.Equal([created], jane.ProjectKeys);
        Assert.Equal([created], joined.ProjectKeys);
        Assert.Equal([created], byAgent.ProjectKeys);

        // An entry is acknowledged just after its id is recorded as handled.
        var operations = new EventOperations.EventOperationsClient(directory.Channel);
        var group = await Eventually.WaitForAsync(
            async () => (await operations.ListEventBacklogAsync(new ListEventBacklogRequest { Family = "projects" }, IdentityTestHost.Bearer(hosts.AdminToken))).Groups.Single(g => g.Group == "directory"),
            backlog => backlog is { Pending: 0, Lag: 0 },
            "Directory to acknowledge every ProjectCreated");
        Assert.Equal(0, group.DeadLettered);
        Assert.False((await admin.RegisterProjectAsync(new RegisterProjectRequest { ProjectKey = created })).Created);
    }

    private static CreateCustomerRequest NewCustomer(params string[] projectKeys) =>
        new() { Address = TestData.Address(), DisplayName = "Some One", ProjectKeys = { projectKeys } };
}
