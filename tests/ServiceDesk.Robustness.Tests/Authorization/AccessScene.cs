using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Directory.Keys;
using ServiceDesk.Hosting;
using ServiceDesk.Hosting.KeyProtection;
using ServiceDesk.Testing;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Robustness.Tests.Authorization;

/// <summary>Every kind of caller of the authorisation matrix.</summary>
public enum Who
{
    Anonymous,
    TheCustomer,
    AnotherCustomer,
    AgentOfAnotherProject,
    Agent,
    Admin,
    IdentityServiceToken,
    DirectoryServiceToken,
    TicketingServiceToken,
    NotificationServiceToken,
    GatewayServiceToken,
    MailIntakeToken,
}

/// <summary>
/// A fresh world for one row of the matrix, so that a call that changes something (a password, a session, a
/// removal) cannot change another row's answers: projects HELP and OTHER; the customer (HELP) with a ticket
/// and an organization, the other customer (OTHER); an account of every role, signed in; every service
/// identity's token. <see cref="Markers"/> are the strings that only someone allowed to see the customer's data
/// may be shown.
/// </summary>
public sealed class AccessScene
{
    private readonly Dictionary<Who, string> _tokens = [];
    private readonly Dictionary<Who, string> _logins = [];
    private string _operatorToken = null!;
    private Task<ErasureRequest>? _ownRemovalOfA;
    private Task<ErasureRequest>? _completedRemoval;

    private AccessScene(SystemHosts hosts) => Hosts = hosts;

    public SystemHosts Hosts { get; }

    public string Help { get; } = NewProjectKey();

    public string Other { get; } = NewProjectKey();

    public Customer CustomerA { get; private set; } = null!;

    public Customer CustomerB { get; private set; } = null!;

    public string AccountOfCustomerA { get; private set; } = null!;

    public Ticket TicketOfA { get; private set; } = null!;

    public Organization Organization { get; private set; } = null!;

    /// <summary>The bootstrap admin, who sets the scene up (the row's own admin may lose its sessions).</summary>
    public Metadata AdminHeaders => Bearer(_operatorToken);

    public IReadOnlyList<string> Markers => [CustomerA.Id, CustomerA.Address, CustomerA.DisplayName, TicketOfA.Id, Help];

    public DirectoryService.DirectoryServiceClient Directory => new(Hosts.Directory.Channel);

    public ErasureService.ErasureServiceClient Erasures => new(Hosts.Directory.Channel);

    public TicketingService.TicketingServiceClient Ticketing => new(Hosts.Ticketing.Channel);

    public IdentityService.IdentityServiceClient Identity => new(Hosts.Identity.Channel);

    public static async Task<AccessScene> CreateAsync(SystemHosts hosts)
    {
        var scene = new AccessScene(hosts);
        await scene.BuildAsync();
        return scene;
    }

    public string? TokenOf(Who who) => _tokens.GetValueOrDefault(who);

    public string LoginOf(Who who) => _logins[who];

    public static string NewProjectKey() =>
        "A" + string.Concat(Guid.NewGuid().ToString("N")[..8].Select(c => (char)('A' + (Convert.ToInt32(c.ToString(), 16) % 26))));

    public static string NewAddress() => $"someone-{Guid.NewGuid():N}@access.example";

    public Task<Customer> NewCustomerAsync(string projectKey) =>
        Directory.CreateCustomerAsync(
            new CreateCustomerRequest { Address = NewAddress(), DisplayName = "Fresh Customer", ProjectKeys = { projectKey } }, AdminHeaders).ResponseAsync;

    /// <summary>
    /// The id <paramref name="who"/> names a customer of <see cref="Help"/> by on a ticket: customers and agents know the
    /// others by ids scoped to the project, as tickets show them; admins and services by the customer's own id.
    /// </summary>
    public string IdOnTicket(Who who, Customer customer) =>
        who is Who.TheCustomer or Who.AnotherCustomer or Who.Agent or Who.AgentOfAnotherProject
            ? Hosts.Ticketing.Services.GetRequiredService<ProjectScopedIds>().For(customer.Id, Help)
            : customer.Id;

    public async Task<(string AccountId, string Login)> NewAccountAsync(Role role, string? customerId = null, params string[] projects)
    {
        var login = NewLogin(role.ToString().ToLowerInvariant());
        var account = await Identity.CreateAccountAsync(
            new CreateAccountRequest { Login = login, Password = Password, Role = role, CustomerId = customerId ?? string.Empty, ProjectKeys = { projects } },
            AdminHeaders);
        return (account.Id, login);
    }

    /// <summary>A refresh token of a new session of a fresh account.</summary>
    public async Task<string> NewRefreshTokenAsync()
    {
        var (_, login) = await NewAccountAsync(Role.Agent, null, Help);
        return (await Hosts.Identity.SignInAsync(login)).RefreshToken;
    }

    /// <summary>A removal the customer of a fresh account asked for, awaiting an admin's approval.</summary>
    public async Task<ErasureRequest> NewOwnRemovalRequestAsync()
    {
        var customer = await NewCustomerAsync(Help);
        var (_, login) = await NewAccountAsync(Role.Customer, customer.Id);
        var token = (await Hosts.Identity.SignInAsync(login)).AccessToken;
        return await Erasures.RequestOwnRemovalAsync(new RequestOwnRemovalRequest { Mode = ErasureMode.Anonymize }, Bearer(token));
    }

    /// <summary>A removal of a fresh customer an admin ordered, once every service has carried it out.</summary>
    public async Task<ErasureRequest> NewCompletedRemovalAsync()
    {
        var customer = await NewCustomerAsync(Help);
        var request = await Erasures.RemoveCustomerAsync(new RemoveCustomerRequest { CustomerId = customer.Id, Mode = ErasureMode.Anonymize, Reason = ErasureReason.CustomerRequest }, AdminHeaders);
        return await Eventually.WaitForAsync(
            () => Erasures.GetErasureAsync(new GetErasureRequest { ErasureId = request.Id }, AdminHeaders).ResponseAsync,
            erasure => erasure.Status == ErasureStatus.Completed,
            "the removal to complete");
    }

    /// <summary>The customer's own removal request (made once per scene, by the customer), awaiting approval.</summary>
    public Task<ErasureRequest> OwnRemovalOfAAsync() =>
        _ownRemovalOfA ??= Erasures.RequestOwnRemovalAsync(new RequestOwnRemovalRequest { Mode = ErasureMode.Anonymize }, Bearer(_tokens[Who.TheCustomer])).ResponseAsync;

    /// <summary>One completed removal per scene.</summary>
    public Task<ErasureRequest> CompletedRemovalAsync() => _completedRemoval ??= NewCompletedRemovalAsync();

    /// <summary>The id of the customer's key in Directory (services fetch keys by the id an event names).</summary>
    public async Task<string> KeyIdOfCustomerAAsync() =>
        (await Hosts.Directory.Services.GetRequiredService<ICustomerKeyStore>().GetOrCreateForCustomerAsync(CustomerA.Id, CancellationToken.None)).KeyId;

    private async Task BuildAsync()
    {
        _operatorToken = await Hosts.Identity.AdminTokenAsync();
        // Ticketing owns projects; Directory is told at once instead of waiting for ProjectCreated.
        foreach (var key in new[] { Help, Other })
        {
            await Ticketing.CreateProjectAsync(new CreateProjectRequest { Key = key, Name = $"Project {key}" }, AdminHeaders);
            await Directory.RegisterProjectAsync(new RegisterProjectRequest { ProjectKey = key }, AdminHeaders);
        }

        Organization = await Directory.CreateOrganizationAsync(new CreateOrganizationRequest { Name = $"Organization {Guid.NewGuid():N}" }, AdminHeaders);
        CustomerA = await Directory.CreateCustomerAsync(
            new CreateCustomerRequest { Address = NewAddress(), DisplayName = $"Quorra{Guid.NewGuid():N}"[..16], OrganizationId = Organization.Id, ProjectKeys = { Help } },
            AdminHeaders);
        CustomerB = await NewCustomerAsync(Other);
        TicketOfA = await Ticketing.CreateTicketAsync(new CreateTicketRequest { ProjectKey = Help, ReporterCustomerId = CustomerA.Id, Summary = "Printer on fire" }, AdminHeaders);

        // The admin of a row is a fresh admin account: a row may change its password or end its sessions.
        var accounts = new (Who Who, Role Role, string? CustomerId, string[] Projects)[]
        {
            (Who.TheCustomer, Role.Customer, CustomerA.Id, []),
            (Who.AnotherCustomer, Role.Customer, CustomerB.Id, []),
            (Who.AgentOfAnotherProject, Role.Agent, null, [Other]),
            (Who.Agent, Role.Agent, null, [Help]),
            (Who.Admin, Role.Admin, null, []),
        };
        foreach (var (who, role, customerId, projects) in accounts)
        {
            var (accountId, login) = await NewAccountAsync(role, customerId, projects);
            if (who == Who.TheCustomer)
            {
                AccountOfCustomerA = accountId;
            }

            _logins[who] = login;
            _tokens[who] = (await Hosts.Identity.SignInAsync(login)).AccessToken;
        }

        foreach (var (who, service) in new[]
        {
            (Who.IdentityServiceToken, ServiceNames.Identity), (Who.DirectoryServiceToken, ServiceNames.Directory), (Who.TicketingServiceToken, ServiceNames.Ticketing),
            (Who.NotificationServiceToken, ServiceNames.Notification), (Who.GatewayServiceToken, ServiceNames.Gateway), (Who.MailIntakeToken, ServiceNames.MailIntake),
        })
        {
            _tokens[who] = await Hosts.Identity.ServiceTokenAsync(service);
        }
    }
}
