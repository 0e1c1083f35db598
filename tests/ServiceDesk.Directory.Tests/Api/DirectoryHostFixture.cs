using Google.Rpc;
using Grpc.Core;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Directory.Tests.Api;

/// <summary>One Directory host, wired as Program.cs wires it, with a real Redis and a LiteDB file, for the API tests.</summary>
public sealed class DirectoryHostFixture : IAsyncLifetime
{
    private readonly RedisFixture _redis = new();

    public ServiceHost Host { get; private set; } = null!;

    public DirectoryService.DirectoryServiceClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        Host = await ServiceHost.StartAsync(ServiceApps.Directory, new Dictionary<string, string?> { ["Redis:Configuration"] = _redis.Configuration });
        Client = new DirectoryService.DirectoryServiceClient(Host.Channel);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await _redis.DisposeAsync();
    }

    /// <summary>A newly registered project of its own.</summary>
    public async Task<string> NewProjectAsync()
    {
        var key = TestData.ProjectKey();
        await Client.RegisterProjectAsync(new RegisterProjectRequest { ProjectKey = key });
        return key;
    }

    public async Task<Customer> NewCustomerAsync(string displayName = "Some One", string? address = null, params string[] projectKeys) =>
        await Client.CreateCustomerAsync(new CreateCustomerRequest
        {
            Address = address ?? TestData.Address(),
            DisplayName = displayName,
            ProjectKeys = { projectKeys },
        });
}

[CollectionDefinition(Name)]
public sealed class DirectoryApiCollection : ICollectionFixture<DirectoryHostFixture>
{
    public const string Name = "directory-api";
}

internal static class RpcAssert
{
    public static async Task<RpcException> FailsAsync<T>(StatusCode expected, Func<AsyncUnaryCall<T>> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => call().ResponseAsync);
        Assert.Equal(expected, error.StatusCode);
        return error;
    }

    public static IReadOnlyList<string> Fields(this RpcException error) =>
        [.. error.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.Select(violation => violation.Field) ?? []];

    public static string? ResourceName(this RpcException error) => error.GetRpcStatus()?.GetDetail<ResourceInfo>()?.ResourceName;
}
