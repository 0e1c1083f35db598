using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Identity.Tests;

[CollectionDefinition(Name)]
public sealed class IdentityCollection : ICollectionFixture<IdentityFixture>
{
    public const string Name = "identity";
}

/// <summary>
/// One Identity host with the six callers of the role matrix signed in: customer A and B, an agent of
/// project HELP, an agent of another project, and the admin bootstrapped from configuration.
/// </summary>
public sealed class IdentityFixture : IAsyncLifetime
{
    private readonly RedisFixture _redis = new();

    public ServiceHost Identity { get; private set; } = null!;

    public string Redis => _redis.Configuration;

    public Dictionary<Who, SignInResponse> SignedIn { get; } = [];

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        Identity = await IdentityTestHost.StartAsync(Redis);
        SignedIn[Who.Admin] = await Identity.SignInAsync(IdentityTestHost.AdminLogin);
        SignedIn[Who.CustomerA] = await Identity.NewSignedInAsync(Role.Customer, CustomerIds.Named("c-a"));
        SignedIn[Who.CustomerB] = await Identity.NewSignedInAsync(Role.Customer, CustomerIds.Named("c-b"));
        SignedIn[Who.AgentOfOtherProject] = await Identity.NewSignedInAsync(Role.Agent, null, "OTHER");
        SignedIn[Who.Agent] = await Identity.NewSignedInAsync(Role.Agent, null, "HELP");
    }

    public string? TokenOf(Who caller) => caller == Who.Anonymous ? null : SignedIn[caller].AccessToken;

    /// <summary>After a call that ended the caller's sessions, a fresh sign-in for the next tests.</summary>
    public async Task SignInAgainAsync(Who caller) => SignedIn[caller] = await Identity.SignInAsync(SignedIn[caller].Account.Login);

    public async Task DisposeAsync()
    {
        await Identity.DisposeAsync();
        await _redis.DisposeAsync();
    }
}

public enum Who
{
    Anonymous,
    CustomerA,
    CustomerB,
    AgentOfOtherProject,
    Agent,
    Admin,
}
