using Google.Rpc;
using Grpc.Core;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Hosting.KeyProtection;
using ServiceDesk.Testing;
using Xunit;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Ticketing.Tests;

/// <summary>
/// Identity, Directory and Ticketing as separate hosts over one real Redis, wired as their Program.cs files
/// wire them: Ticketing calls Directory with its own service identity and consumes Directory's events, and
/// Directory consumes Ticketing's. Messaging polls fast so events arrive within a test's patience.
/// </summary>
public sealed class TicketingHosts : IAsyncLifetime
{
    private readonly RedisFixture _redis = new();

    public string Redis => _redis.Configuration;

    public string Prefix { get; } = RedisFixture.NewPrefix();

    public ServiceHost Identity { get; private set; } = null!;

    public ServiceHost Directory { get; private set; } = null!;

    public ServiceHost Ticketing { get; private set; } = null!;

    public string AdminToken { get; private set; } = null!;

    public Metadata Admin => Bearer(AdminToken);

    public TicketingService.TicketingServiceClient Client { get; private set; } = null!;

    public DirectoryService.DirectoryServiceClient DirectoryClient { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        // Long-lived access tokens: the fixture signs in once, and its tokens must outlast every test that uses them.
        Identity = await IdentityTestHost.StartAsync(Redis, ("Identity:Tokens:AccessTokenLifetime", "02:00:00"));
        Directory = await ServiceHost.StartAsync(ServiceApps.Directory, Settings());
        Ticketing = await StartTicketingAsync();
        AdminToken = await Identity.AdminTokenAsync();
        Client = new TicketingService.TicketingServiceClient(Ticketing.Channel);
        DirectoryClient = new DirectoryService.DirectoryServiceClient(Directory.Channel);
    }

    public async Task DisposeAsync()
    {
        await Ticketing.DisposeAsync();
        await Directory.DisposeAsync();
        await Identity.DisposeAsync();
        await _redis.DisposeAsync();
    }

    /// <summary>A Ticketing host with a database of its own, calling the fixture's Directory unless <paramref name="directoryAddress"/> names another.</summary>
    public Task<ServiceHost> StartTicketingAsync(string? directoryAddress = null) =>
        ServiceHost.StartAsync(
            ServiceApps.Ticketing,
            new Dictionary<string, string?>(Settings())
            {
                ["Services:identity"] = Identity.Endpoints.GrpcUri.ToString(),
                ["Services:directory"] = directoryAddress ?? Directory.Endpoints.GrpcUri.ToString(),
                ["Auth:ServiceSecret"] = TicketingSecret,
            });

    /// <summary>Fast rounds so tests finish in seconds; the same code paths as the production defaults.</summary>
    private Dictionary<string, string?> Settings() => new()
    {
        ["Redis:Configuration"] = Redis,
        ["Auth:Authority"] = Identity.Endpoints.HttpUri.ToString(),
        ["Messaging:KeyPrefix"] = Prefix,
        ["Messaging:PollInterval"] = "00:00:00.250",
        ["Messaging:RelayInterval"] = "00:00:00.250",
        ["Messaging:MaxAttempts"] = "3",
        // Ids made under the KEK before a rotation still work while it is listed (AgentSeesUnderRetiredKek).
        ["KeyProtection:RetiredKeys:0"] = TestKeyProtection.RetiredKey,
    };

    /// <summary>The id agents know the customer by in the project (Directory's and Ticketing's answers to agents).</summary>
    public string AsAgentSees(string customerId, string projectKey) =>
        Ticketing.Services.GetRequiredService<ProjectScopedIds>().For(customerId, projectKey);

    /// <summary>The id an agent was given for the customer in the project before the KEK was rotated.</summary>
    public static string AgentSeesUnderRetiredKek(string customerId, string projectKey) =>
        new ProjectScopedIds(TestKeyProtection.WrapperOf(TestKeyProtection.RetiredKey)).For(customerId, projectKey);

    /// <summary>A new account of the role, signed in: its access token.</summary>
    public async Task<Metadata> NewSignedInAsync(Role role, string? customerId = null, params string[] projectKeys) =>
        Bearer((await Identity.NewSignedInAsync(role, customerId, projectKeys)).AccessToken);

    /// <summary>A project created in Ticketing, once Directory has learnt its key from ProjectCreated.</summary>
    public async Task<string> NewProjectAsync(bool acceptMailFromAnyone = false)
    {
        var key = TestData.ProjectKey();
        await Client.CreateProjectAsync(new CreateProjectRequest { Key = key, Name = $"Project {key}", AcceptMailFromAnyone = acceptMailFromAnyone }, Admin);
        await WaitUntilDirectoryKnowsAsync(key);
        return key;
    }

    public Task WaitUntilDirectoryKnowsAsync(string projectKey) =>
        Eventually.WaitForAsync(
            async () => await RpcAssert.StatusOfAsync(() => DirectoryClient.ListCustomersAsync(new ListCustomersRequest { ProjectKey = projectKey }, Admin).ResponseAsync),
            status => status == StatusCode.OK,
            $"Directory to register project {projectKey} from ProjectCreated");

    /// <summary>The identity an MTA's pipe presents to hand mail to Ticketing.</summary>
    public async Task<Metadata> MailIntakeAsync() => Bearer(await Identity.ServiceTokenAsync(ServiceNames.MailIntake));

    /// <summary>Directory's customer with the address, as Ticketing finds it; null when there is none.</summary>
    public async Task<Customer?> FindCustomerAsync(string address)
    {
        var asTicketing = Bearer(await Identity.ServiceTokenAsync(ServiceNames.Ticketing));
        try
        {
            return await DirectoryClient.FindCustomerByAddressAsync(new FindCustomerByAddressRequest { Address = address }, asTicketing);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    public Task<Customer> NewCustomerAsync(string displayName = "Some One", params string[] projectKeys) =>
        DirectoryClient.CreateCustomerAsync(
            new CreateCustomerRequest { Address = TestData.Address(), DisplayName = displayName, ProjectKeys = { projectKeys } }, Admin).ResponseAsync;

    public Task<Contracts.Ticketing.V1.Ticket> NewTicketAsync(string projectKey, string reporterId, string summary = "Printer on fire") =>
        Client.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = projectKey, ReporterCustomerId = reporterId, Summary = summary, Description = "It smokes." }, Admin).ResponseAsync;

}

[CollectionDefinition(Name)]
public sealed class TicketingCollection : ICollectionFixture<TicketingHosts>
{
    public const string Name = "ticketing-hosts";
}
