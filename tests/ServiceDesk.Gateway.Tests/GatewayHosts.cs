using Grpc.Core;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting;
using ServiceDesk.LocalRedis;
using ServiceDesk.Testing;
using Xunit;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Gateway.Tests;

/// <summary>
/// The gateway in front of the four real services over one real Redis, each wired as its Program.cs wires it,
/// with its service identity and the others' addresses, so customer removal runs through all four.
/// Identity trusts one forwarding hop (the gateway's); the gateway's limits are far above what the tests send,
/// except in hosts started with <see cref="StartGatewayAsync"/> overrides.
/// </summary>
public sealed class GatewayHosts : IAsyncLifetime
{
    private readonly RedisFixture _redis = new();

    private Dictionary<string, int> _grpcPorts = [];

    public string Prefix { get; } = RedisFixture.NewPrefix();

    public ServiceHost Identity { get; private set; } = null!;

    public ServiceHost Directory { get; private set; } = null!;

    public ServiceHost Ticketing { get; private set; } = null!;

    public ServiceHost Notification { get; private set; } = null!;

    public ServiceHost Gateway { get; private set; } = null!;

    public const string NoProjectsAgentKey = "NOPROJECT";

    public Metadata Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        Identity = await IdentityTestHost.StartAsync(
            _redis.Configuration,
            ("Identity:Tokens:AccessTokenLifetime", "02:00:00"),
            ("Identity:Throttling:TrustedProxyHops", "1"),
            ("Messaging:KeyPrefix", Prefix));
        // Directory asks the other participants for removal previews, and they call Directory: each needs the
        // others' addresses before any of them runs.
        _grpcPorts = new Dictionary<string, int>
        {
            [ServiceNames.Directory] = FreePorts.Next(),
            [ServiceNames.Ticketing] = FreePorts.Next(),
            [ServiceNames.Notification] = FreePorts.Next(),
        };
        Directory = await ServiceHost.StartAsync(ServiceApps.Directory, Settings(ServiceNames.Directory));
        Ticketing = await ServiceHost.StartAsync(ServiceApps.Ticketing, Settings(ServiceNames.Ticketing));
        Notification = await ServiceHost.StartAsync(ServiceApps.Notification, Settings(ServiceNames.Notification));
        Gateway = await StartGatewayAsync();
        Admin = Bearer(await Identity.AdminTokenAsync());
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Notification.DisposeAsync();
        await Ticketing.DisposeAsync();
        await Directory.DisposeAsync();
        await Identity.DisposeAsync();
        await _redis.DisposeAsync();
    }

    /// <summary>A gateway calling this fixture's services; <paramref name="overrides"/> replace its settings (e.g. a backend's address, a limit).</summary>
    public Task<ServiceHost> StartGatewayAsync(params (string Key, string? Value)[] overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Services:identity"] = Identity.Endpoints.GrpcUri.ToString(),
            ["Services:directory"] = Directory.Endpoints.GrpcUri.ToString(),
            ["Services:ticketing"] = Ticketing.Endpoints.GrpcUri.ToString(),
            ["Services:notification"] = Notification.Endpoints.GrpcUri.ToString(),
            // As deployed: the gateway's own token vouches for the client address of a sign-in, and must never
            // travel with a user's call (two tokens, and the service refuses both).
            ["Auth:ServiceSecret"] = IdentityTestHost.ServiceSecret(ServiceNames.Gateway),
            ["Gateway:SecureCookies"] = "false",
            ["Gateway:RequestsPerMinute"] = "100000",
            ["Gateway:SignInsPerMinute"] = "100000",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return ServiceHost.StartAsync(ServiceApps.Gateway, settings);
    }

    /// <summary>An API client of the fixture's gateway, signed in to nothing yet.</summary>
    public ApiClient NewClient() => new(Gateway.Endpoints.HttpUri);

    /// <summary>
    /// A new account of the role, created in Identity: its login (the password is <see cref="Password"/>). An agent
    /// given no project works in <see cref="NoProjectsAgentKey"/>, a key no project has.
    /// </summary>
    public async Task<string> NewAccountAsync(Role role, string? customerId = null, params string[] projectKeys)
    {
        projectKeys = role == Role.Agent && projectKeys.Length == 0 ? [NoProjectsAgentKey] : projectKeys;
        var login = NewLogin(role.ToString().ToLowerInvariant());
        await Identity.Client().CreateAccountAsync(
            new CreateAccountRequest { Login = login, Password = Password, Role = role, CustomerId = customerId ?? string.Empty, ProjectKeys = { projectKeys } }, Admin);
        return login;
    }

    /// <summary>A client signed in through the gateway with a cookie session, as a new account of the role.</summary>
    public async Task<ApiClient> SignedInAsync(Role role, string? customerId = null, params string[] projectKeys)
    {
        var client = NewClient();
        await client.SignInAsync(await NewAccountAsync(role, customerId, projectKeys));
        return client;
    }

    /// <summary>A client signed in as the bootstrap admin with a cookie session.</summary>
    public async Task<ApiClient> AdminClientAsync()
    {
        var client = NewClient();
        await client.SignInAsync(AdminLogin);
        return client;
    }

    /// <summary>A project created in Ticketing, once Directory has learnt its key from ProjectCreated.</summary>
    public async Task<string> NewProjectAsync()
    {
        var key = "G" + string.Concat(Guid.NewGuid().ToString("N")[..8].Select(c => (char)('A' + (Convert.ToInt32(c.ToString(), 16) % 26))));
        await new TicketingService.TicketingServiceClient(Ticketing.Channel).CreateProjectAsync(new CreateProjectRequest { Key = key, Name = $"Project {key}" }, Admin);
        var directory = new DirectoryService.DirectoryServiceClient(Directory.Channel);
        await Eventually.WaitForAsync(
            async () => await RpcAssert.StatusOfAsync(() => directory.ListCustomersAsync(new ListCustomersRequest { ProjectKey = key }, Admin).ResponseAsync),
            status => status == StatusCode.OK,
            $"Directory to register project {key} from ProjectCreated");
        return key;
    }

    public Task<Customer> NewCustomerAsync(string displayName, string address, params string[] projectKeys) =>
        new DirectoryService.DirectoryServiceClient(Directory.Channel).CreateCustomerAsync(
            new CreateCustomerRequest { Address = address, DisplayName = displayName, ProjectKeys = { projectKeys } }, Admin).ResponseAsync;

    public static string NewAddress(string localPart = "someone") => $"{localPart}@{Guid.NewGuid():N}.example";

    private Dictionary<string, string?> Settings(string service) => new()
    {
        ["Endpoints:GrpcPort"] = _grpcPorts[service].ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Redis:Configuration"] = _redis.Configuration,
        ["Auth:Authority"] = Identity.Endpoints.HttpUri.ToString(),
        ["Auth:ServiceSecret"] = ServiceSecret(service),
        ["Services:identity"] = Identity.Endpoints.GrpcUri.ToString(),
        ["Services:directory"] = $"http://127.0.0.1:{_grpcPorts[ServiceNames.Directory]}",
        ["Services:ticketing"] = $"http://127.0.0.1:{_grpcPorts[ServiceNames.Ticketing]}",
        ["Services:notification"] = $"http://127.0.0.1:{_grpcPorts[ServiceNames.Notification]}",
        ["Messaging:KeyPrefix"] = Prefix,
        ["Messaging:PollInterval"] = "00:00:00.250",
        ["Messaging:RelayInterval"] = "00:00:00.250",
    };
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayHosts>
{
    public const string Name = "gateway-hosts";
}
