using Grpc.Core;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Testing;
using Xunit;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Robustness.Tests;

/// <summary>
/// The four backends as separate hosts over one real Redis, calling each other with their own service identities.
/// Every host checks token lifetimes without clock skew (they share one clock), so a token is refused the second it expires.
/// </summary>
public class SystemHosts : IAsyncLifetime
{
    private const string KeyPrefix = "robustness:";
    private const string NoClockSkew = "00:00:00";

    private readonly TimeSpan _accessTokenLifetime;

    // xunit wants one public constructor on a fixture: the lifetime is for derived fixtures only.
    public SystemHosts()
        : this(TimeSpan.FromHours(2))
    {
    }

    protected SystemHosts(TimeSpan accessTokenLifetime) => _accessTokenLifetime = accessTokenLifetime;

    private readonly RedisFixture _redis = new();

    public ServiceHost Identity { get; private set; } = null!;

    public ServiceHost Directory { get; private set; } = null!;

    public ServiceHost Ticketing { get; private set; } = null!;

    public ServiceHost Notification { get; private set; } = null!;

    /// <summary>The gateway in front of the four, with limits far above what the tests send.</summary>
    public ServiceHost Gateway { get; private set; } = null!;

    /// <summary>A client of the gateway's API that keeps no cookies: each request is only as signed in as its own headers say.</summary>
    public HttpClient GatewayApi { get; private set; } = null!;

    public IReadOnlyList<ServiceHost> All => [Identity, Directory, Ticketing, Notification];

    public ServiceHost this[string service] => All.Single(host => host.Service.Name == service);

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        Identity = await IdentityTestHost.StartAsync(
            _redis.Configuration, ("Identity:Tokens:AccessTokenLifetime", _accessTokenLifetime.ToString()), ("Auth:ClockSkew", NoClockSkew), ("Messaging:KeyPrefix", KeyPrefix), ("Messaging:PollInterval", "00:00:00.250"));
        Directory = await ServiceHost.StartAsync(ServiceApps.Directory, Settings(ServiceNames.Directory));
        Ticketing = await ServiceHost.StartAsync(ServiceApps.Ticketing, Settings(ServiceNames.Ticketing));
        Notification = await ServiceHost.StartAsync(ServiceApps.Notification, Settings(ServiceNames.Notification));
        Gateway = await ServiceHost.StartAsync(ServiceApps.Gateway, new Dictionary<string, string?>
        {
            ["Services:identity"] = Identity.Endpoints.GrpcUri.ToString(),
            ["Services:directory"] = Directory.Endpoints.GrpcUri.ToString(),
            ["Services:ticketing"] = Ticketing.Endpoints.GrpcUri.ToString(),
            ["Services:notification"] = Notification.Endpoints.GrpcUri.ToString(),
            ["Auth:ClockSkew"] = NoClockSkew,
            ["Auth:ServiceSecret"] = IdentityTestHost.ServiceSecret(ServiceNames.Gateway),
            ["Gateway:SecureCookies"] = "false",
            ["Gateway:RequestsPerMinute"] = "1000000",
            ["Gateway:SignInsPerMinute"] = "1000000",
        });
        GatewayApi = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = Gateway.Endpoints.HttpUri };
    }

    public async Task DisposeAsync()
    {
        GatewayApi.Dispose();
        await Gateway.DisposeAsync();
        foreach (var host in All.Reverse())
        {
            await host.DisposeAsync();
        }

        await _redis.DisposeAsync();
    }

    /// <summary>Every kind of caller a service meets, signed in afresh (an RPC under test may end a session).</summary>
    public async Task<IReadOnlyList<(string Name, Metadata Headers)>> CallersAsync()
    {
        var admin = await Identity.AdminTokenAsync();
        var agent = await Identity.NewSignedInAsync(Role.Agent, null, "HELP");
        var customer = await Identity.NewSignedInAsync(Role.Customer, Guid.NewGuid().ToString("N"));
        return
        [
            ("anonymous", []),
            ("forged token", Bearer("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.")),
            ("tampered signature", Bearer(admin[..^4] + (admin[^4..] == "AAAA" ? "BBBB" : "AAAA"))),
            ("oversized token", Bearer(new string('a', 16 * 1024))),
            ("customer", Bearer(customer.AccessToken)),
            ("agent", Bearer(agent.AccessToken)),
            ("admin", Bearer(admin)),
            ("ticketing service", Bearer(await Identity.ServiceTokenAsync(ServiceNames.Ticketing))),
        ];
    }

    private Dictionary<string, string?> Settings(string service) => new()
    {
        ["Redis:Configuration"] = _redis.Configuration,
        ["Auth:Authority"] = Identity.Endpoints.HttpUri.ToString(),
        ["Auth:ServiceSecret"] = ServiceSecret(service),
        ["Auth:ClockSkew"] = NoClockSkew,
        ["Services:identity"] = Identity.Endpoints.GrpcUri.ToString(),
        ["Services:directory"] = Directory?.Endpoints.GrpcUri.ToString() ?? "http://127.0.0.1:1",
        ["Services:ticketing"] = Ticketing?.Endpoints.GrpcUri.ToString() ?? "http://127.0.0.1:1",
        ["Services:notification"] = Notification?.Endpoints.GrpcUri.ToString() ?? "http://127.0.0.1:1",
        ["Messaging:KeyPrefix"] = KeyPrefix,
        ["Messaging:PollInterval"] = "00:00:00.250",
        ["Messaging:RelayInterval"] = "00:00:00.250",
    };
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemHosts>
{
    public const string Name = "system";
}
