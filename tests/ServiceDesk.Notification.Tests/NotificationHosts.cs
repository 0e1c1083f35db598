using Grpc.Core;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Notification.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting.KeyProtection;
using ServiceDesk.Testing;
using Xunit;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Notification.Tests;

/// <summary>
/// Identity, Directory, Ticketing and Notification as separate hosts over one real Redis, wired as their
/// Program.cs files wire them, and a real SMTP server Notification sends to. Notification can be stopped and
/// started again on its own data directory, with or without the SMTP server configured.
/// </summary>
public sealed class NotificationHosts : IAsyncLifetime
{
    private readonly RedisFixture _redis = new();

    public string Redis => _redis.Configuration;

    public string Prefix { get; } = RedisFixture.NewPrefix();

    public ServiceHost Identity { get; private set; } = null!;

    public ServiceHost Directory { get; private set; } = null!;

    public ServiceHost Ticketing { get; private set; } = null!;

    /// <summary>The current Notification host; <see cref="RestartNotificationAsync"/> replaces it.</summary>
    public ServiceHost Notification { get; private set; } = null!;

    public SmtpServer Smtp { get; private set; } = null!;

    public string NotificationDataDirectory { get; } = TestDirectory.Create("notification");

    public Metadata Admin { get; private set; } = null!;

    public TicketingService.TicketingServiceClient Tickets { get; private set; } = null!;

    public DirectoryService.DirectoryServiceClient Customers { get; private set; } = null!;

    public NotificationService.NotificationServiceClient Deliveries => new(Notification.Channel);

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        Smtp = await SmtpServer.StartAsync();
        // Long-lived access tokens: the fixture signs in once, and its tokens must outlast every test that uses them.
        Identity = await IdentityTestHost.StartAsync(Redis, ("Identity:Tokens:AccessTokenLifetime", "02:00:00"));
        Directory = await ServiceHost.StartAsync(ServiceApps.Directory, Settings());
        Ticketing = await ServiceHost.StartAsync(ServiceApps.Ticketing, new Dictionary<string, string?>(Settings())
        {
            ["Services:identity"] = Identity.Endpoints.GrpcUri.ToString(),
            ["Services:directory"] = Directory.Endpoints.GrpcUri.ToString(),
            ["Auth:ServiceSecret"] = TicketingSecret,
        });
        Notification = await StartNotificationAsync(smtp: true);
        Admin = Bearer(await Identity.AdminTokenAsync());
        Tickets = new TicketingService.TicketingServiceClient(Ticketing.Channel);
        Customers = new DirectoryService.DirectoryServiceClient(Directory.Channel);
    }

    public async Task DisposeAsync()
    {
        await Notification.DisposeAsync();
        await Ticketing.DisposeAsync();
        await Directory.DisposeAsync();
        await Identity.DisposeAsync();
        await Smtp.DisposeAsync();
        await _redis.DisposeAsync();
    }

    public async Task StopNotificationAsync() => await Notification.DisposeAsync();

    /// <summary>Notification again on its data directory; without <paramref name="smtp"/> it writes to its pickup directory.</summary>
    public async Task RestartNotificationAsync(bool smtp = true) => Notification = await StartNotificationAsync(smtp);

    private Task<ServiceHost> StartNotificationAsync(bool smtp)
    {
        var settings = new Dictionary<string, string?>(Settings())
        {
            ["Services:identity"] = Identity.Endpoints.GrpcUri.ToString(),
            ["Services:directory"] = Directory.Endpoints.GrpcUri.ToString(),
            ["Services:ticketing"] = Ticketing.Endpoints.GrpcUri.ToString(),
            ["Auth:ServiceSecret"] = NotificationSecret,
            ["Notification:SendInterval"] = "00:00:00.250",
            // One clock for every service here.
            ["Notification:ClockMargin"] = "00:00:00",
            ["Notification:FirstRetryDelay"] = "00:00:00.200",
            ["Notification:MaxRetryDelay"] = "00:00:01",
        };
        if (smtp)
        {
            settings["Notification:Smtp:Host"] = "127.0.0.1";
            settings["Notification:Smtp:Port"] = Smtp.Port.ToString();
            settings["Notification:Smtp:Security"] = "None";
        }

        return ServiceHost.StartAsync(ServiceApps.Notification, settings, NotificationDataDirectory);
    }

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

    /// <summary>The id an agent was given for the customer in the project before the KEK was rotated.</summary>
    public static string AgentSeesUnderRetiredKek(string customerId, string projectKey) =>
        new ProjectScopedIds(TestKeyProtection.WrapperOf(TestKeyProtection.RetiredKey)).For(customerId, projectKey);

    public async Task<Metadata> NewSignedInAsync(Role role, string? customerId = null, params string[] projectKeys) =>
        Bearer((await Identity.NewSignedInAsync(role, customerId, projectKeys)).AccessToken);

    /// <summary>A project created in Ticketing, once Directory has learnt its key from ProjectCreated.</summary>
    public async Task<string> NewProjectAsync()
    {
        var key = TestData.ProjectKey();
        await Tickets.CreateProjectAsync(new CreateProjectRequest { Key = key, Name = $"Project {key}" }, Admin);
        await Eventually.WaitForAsync(
            async () => await RpcAssert.StatusOfAsync(() => Customers.ListCustomersAsync(new ListCustomersRequest { ProjectKey = key }, Admin).ResponseAsync),
            status => status == StatusCode.OK,
            $"Directory to register project {key} from ProjectCreated");
        return key;
    }

    public Task<Customer> NewCustomerAsync(string projectKey, string displayName = "Some One") =>
        Customers.CreateCustomerAsync(
            new CreateCustomerRequest { Address = TestData.Address(), DisplayName = displayName, ProjectKeys = { projectKey } }, Admin).ResponseAsync;

    /// <summary>A ticket the admin raised for <paramref name="reporter"/>, with <paramref name="participants"/> added.</summary>
    public async Task<Contracts.Ticketing.V1.Ticket> NewTicketAsync(string projectKey, Customer reporter, params Customer[] participants)
    {
        var ticket = await Tickets.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = projectKey, ReporterCustomerId = reporter.Id, Summary = "Printer on fire", Description = "It smokes." }, Admin);
        foreach (var participant in participants)
        {
            ticket = await Tickets.AddParticipantAsync(new AddParticipantRequest { TicketId = ticket.Id, CustomerId = participant.Id }, Admin);
        }

        return ticket;
    }

    /// <summary>The ticket's deliveries once none is queued any more and there are at least <paramref name="count"/>.</summary>
    public Task<ListDeliveriesResponse> SettledDeliveriesAsync(string ticketId, int count) =>
        Eventually.WaitForAsync(
            () => Deliveries.ListDeliveriesAsync(new ListDeliveriesRequest { TicketId = ticketId, PageSize = 200 }, Admin).ResponseAsync,
            page => page.Deliveries.Count >= count && page.Deliveries.All(delivery => delivery.Status != DeliveryStatus.Queued),
            $"{count} settled deliveries of {ticketId}",
            TimeSpan.FromSeconds(60));
}

[CollectionDefinition(Name)]
public sealed class NotificationCollection : ICollectionFixture<NotificationHosts>
{
    public const string Name = "notification-hosts";
}
