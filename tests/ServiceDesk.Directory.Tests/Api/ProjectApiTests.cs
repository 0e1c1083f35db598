using Grpc.Core;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Directory.Tests.Api;

[Collection(DirectoryApiCollection.Name)]
public sealed class ProjectApiTests(DirectoryHostFixture directory)
{
    private DirectoryService.DirectoryServiceClient Client => directory.Client;

    [Fact]
    public async Task RegisterProject_creates_a_key_once_and_customers_may_then_join_it()
    {
        var key = TestData.ProjectKey();
        var jane = await directory.NewCustomerAsync("Jane Doe");
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => Client.AddToProjectAsync(new AddToProjectRequest { CustomerId = jane.Id, ProjectKey = key }));

        var first = await Client.RegisterProjectAsync(new RegisterProjectRequest { ProjectKey = key });
        var again = await Client.RegisterProjectAsync(new RegisterProjectRequest { ProjectKey = key });
        var joined = await Client.AddToProjectAsync(new AddToProjectRequest { CustomerId = jane.Id, ProjectKey = key });

        Assert.Equal((key, true), (first.ProjectKey, first.Created));
        Assert.Equal((key, false), (again.ProjectKey, again.Created));
        Assert.Equal([key], joined.ProjectKeys);
    }

    [Theory]
    [InlineData("")]
    [InlineData("help")]
    [InlineData("H")]
    [InlineData("1HELP")]
    [InlineData("HELPDESKTOOLONG")]
    public async Task RegisterProject_refuses_a_malformed_key(string key)
    {
        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.RegisterProjectAsync(new RegisterProjectRequest { ProjectKey = key }));

        Assert.Equal(["project_key"], error.Fields());
    }
}
