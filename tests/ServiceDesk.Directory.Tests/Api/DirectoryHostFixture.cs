using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Directory.Tests.Api;

/// <summary>
/// One Directory host, wired as Program.cs wires it, with a real Redis, a LiteDB file and a real Identity
/// whose keys it trusts, for the API tests. <see cref="Client"/> calls as the bootstrap admin.
/// </summary>
public sealed class DirectoryHostFixture : IAsyncLifetime
{
    private readonly RedisFixture _redis = new();

    public string Redis => _redis.Configuration;

    public ServiceHost Identity { get; private set; } = null!;

    public ServiceHost Host { get; private set; } = null!;

    public string AdminToken { get; private set; } = null!;

    /// <summary>Every call carries the admin's access token.</summary>
    public DirectoryService.DirectoryServiceClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        // Long-lived access tokens: the fixture signs in once, and its tokens must outlast every test that uses them.
        Identity = await IdentityTestHost.StartAsync(Redis, ("Identity:Tokens:AccessTokenLifetime", "02:00:00"));
        Host = await ServiceHost.StartAsync(ServiceApps.Directory, Settings(Redis, Identity));
        AdminToken = await Identity.AdminTokenAsync();
        Client = AdminClientOf(Host);
    }

    /// <summary>A client of <paramref name="directory"/> whose every call carries the admin's access token.</summary>
    public DirectoryService.DirectoryServiceClient AdminClientOf(ServiceHost directory) =>
        new(directory.Channel.Intercept(metadata =>
        {
            metadata.Add("authorization", $"Bearer {AdminToken}");
            return metadata;
        }));

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Identity.DisposeAsync();
        await _redis.DisposeAsync();
    }

    /// <summary>A Directory that trusts <paramref name="identity"/>'s tokens.</summary>
    public static Dictionary<string, string?> Settings(string redis, ServiceHost identity) => new()
    {
        ["Redis:Configuration"] = redis,
        ["Auth:Authority"] = identity.Endpoints.HttpUri.ToString(),
    };

    /// <summary>A new account of the role, signed in: its access token.</summary>
    public async Task<string> TokenOfNewAsync(Role role, string? customerId = null, params string[] projectKeys) =>
        (await Identity.NewSignedInAsync(role, customerId, projectKeys)).AccessToken;

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
