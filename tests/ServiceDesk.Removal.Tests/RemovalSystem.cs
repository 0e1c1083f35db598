using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Notification.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting;
using ServiceDesk.LocalRedis;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Notification.Customers;
using ServiceDesk.Notification.Deliveries;
using ServiceDesk.Testing;
using ServiceDesk.Testing.Forensics;
using ConnectionMultiplexer = StackExchange.Redis.ConnectionMultiplexer;
using NameValueEntry = StackExchange.Redis.NameValueEntry;
using StreamEntry = StackExchange.Redis.StreamEntry;
using Xunit;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Removal.Tests;

/// <summary>
/// Identity, Directory, Ticketing and Notification as separate hosts over one real Redis, each with its own
/// data directory, wired as their Program.cs files wire them and calling each other with their own service
/// identities. Notification sends mail to a real SMTP server (aiosmtpd), which a test can stop to keep messages
/// queued and start again.
/// </summary>
public sealed class RemovalSystem : IAsyncLifetime
{
    private readonly RedisFixture _redis = new();
    private readonly List<ServiceHost> _stoppedHosts = [];
    private Dictionary<string, int> _grpcPorts = [];

    public string Prefix { get; } = RedisFixture.NewPrefix();

    public ServiceHost Identity { get; private set; } = null!;

    public ServiceHost Directory { get; private set; } = null!;

    public ServiceHost Ticketing { get; private set; } = null!;

    public ServiceHost Notification { get; private set; } = null!;

    public IReadOnlyList<ServiceHost> Hosts => [Identity, Directory, Ticketing, Notification];

    /// <summary>The customers' mail server: what it received left the system; its Maildir is not ours to scan.</summary>
    public SmtpServer Smtp { get; private set; } = null!;

    public Metadata Admin { get; private set; } = null!;

    /// <summary>Whether the Redis is this system's own (not REDIS_URL's), so a test may change its server-wide settings.</summary>
    public bool OwnsRedis => _redis.Server is not null;

    public DirectoryService.DirectoryServiceClient Customers { get; private set; } = null!;

    public ErasureService.ErasureServiceClient Erasures { get; private set; } = null!;

    public TicketingService.TicketingServiceClient Tickets { get; private set; } = null!;

    public NotificationService.NotificationServiceClient Notifications { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        Smtp = await SmtpServer.StartAsync();
        Identity = await StartIdentityAsync();
        // Directory asks Ticketing and Notification for previews, and they call Directory: each needs the
        // others' addresses before any of them runs.
        _grpcPorts = new Dictionary<string, int>
        {
            [ServiceNames.Directory] = FreePorts.Next(),
            [ServiceNames.Ticketing] = FreePorts.Next(),
            [ServiceNames.Notification] = FreePorts.Next(),
        };
        await StartDirectoryAsync();
        await StartTicketingAsync();
        await StartNotificationAsync();
        Admin = Bearer(await Identity.AdminTokenAsync());
    }

    public async Task DisposeAsync()
    {
        foreach (var host in Hosts.Reverse())
        {
            await host.DisposeAsync();
        }

        await Smtp.DisposeAsync();
        await _redis.DisposeAsync();
    }

    /// <summary>
    /// Stops Ticketing, runs <paramref name="whileStopped"/>, and starts it again on the same data directory and
    /// port, as a crashed pod comes back.
    /// </summary>
    public async Task WithTicketingStoppedAsync(Func<Task> whileStopped)
    {
        var stopped = Ticketing;
        await StopAsync(stopped);
        await whileStopped();
        await StartTicketingAsync(stopped.DataDirectory);
    }

    /// <summary>
    /// Stops Ticketing and Notification, runs <paramref name="whileStopped"/>, and starts them again on the same data
    /// directories and ports: what happens meanwhile waits in their streams.
    /// </summary>
    public async Task WithTicketingAndNotificationStoppedAsync(Func<Task> whileStopped)
    {
        var (ticketing, notification) = (Ticketing, Notification);
        await StopAsync(ticketing);
        await StopAsync(notification);
        await whileStopped();
        await StartTicketingAsync(ticketing.DataDirectory);
        await StartNotificationAsync(notification.DataDirectory);
    }

    /// <summary>A cold backup of Directory's store: stopped, its data directory copied, started again. Returns the backup's directory.</summary>
    public async Task<string> BackUpDirectoryAsync()
    {
        var backup = TestDirectory.Create("directory-backup");
        var stopped = Directory;
        await StopAsync(stopped);
        CopyFiles(stopped.DataDirectory, backup);
        await StartDirectoryAsync(stopped.DataDirectory);
        return backup;
    }

    /// <summary>
    /// Stops Directory, replaces its data directory with the backup's copy (then deletes the backup) and starts it again
    /// on the same directory and port, as a pod whose volume was restored.
    /// </summary>
    public async Task RestoreDirectoryAsync(string backup)
    {
        var stopped = Directory;
        await StopAsync(stopped);
        System.IO.Directory.Delete(stopped.DataDirectory, recursive: true);
        CopyFiles(backup, stopped.DataDirectory);
        System.IO.Directory.Delete(backup, recursive: true);
        await StartDirectoryAsync(stopped.DataDirectory);
    }

    /// <summary>
    /// A cold backup of Identity's, Ticketing's and Notification's stores: each service is stopped, its data directory
    /// (the LiteDB files) copied, and it is started again. Returns the backup's directory.
    /// </summary>
    public async Task<string> BackUpParticipantsAsync()
    {
        var backup = TestDirectory.Create("backup");
        await RestartParticipantsAsync(host => CopyFiles(host.DataDirectory, Path.Combine(backup, host.Service.Name)));
        return backup;
    }

    /// <summary>
    /// Stops Identity, Ticketing and Notification, replaces their data directories with the backup's copies (then
    /// deletes the backup) and starts them again on the same directories and ports, as pods whose volumes were restored.
    /// </summary>
    public async Task RestoreParticipantsAsync(string backup)
    {
        await RestartParticipantsAsync(host =>
        {
            System.IO.Directory.Delete(host.DataDirectory, recursive: true);
            CopyFiles(Path.Combine(backup, host.Service.Name), host.DataDirectory);
        });
        System.IO.Directory.Delete(backup, recursive: true);
    }

    private async Task RestartParticipantsAsync(Action<ServiceHost> whileStopped)
    {
        ServiceHost[] participants = [Identity, Ticketing, Notification];
        foreach (var host in participants)
        {
            await StopAsync(host);
            whileStopped(host);
        }

        // Identity comes back on its ports: the others know it by address, and as their token authority.
        Identity = await StartIdentityAsync(
            participants[0].DataDirectory,
            ("Endpoints:GrpcPort", participants[0].Endpoints.GrpcUri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Endpoints:HttpPort", participants[0].Endpoints.HttpUri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await StartTicketingAsync(participants[1].DataDirectory);
        await StartNotificationAsync(participants[2].DataDirectory);
    }

    /// <summary>Stops a host and keeps it, so its log is still checked.</summary>
    private async Task StopAsync(ServiceHost host)
    {
        await host.DisposeAsync();
        _stoppedHosts.Add(host);
    }

    private Task<ServiceHost> StartIdentityAsync(string? dataDirectory = null, params (string Key, string? Value)[] overrides) => ServiceHost.StartAsync(
        ServiceApps.Identity,
        IdentityTestHost.Settings(_redis.Configuration, [("Identity:Tokens:AccessTokenLifetime", "02:00:00"), ("Messaging:KeyPrefix", Prefix), .. overrides]),
        dataDirectory);

    private async Task StartDirectoryAsync(string? dataDirectory = null)
    {
        Directory = await ServiceHost.StartAsync(ServiceApps.Directory, Settings(ServiceNames.Directory), dataDirectory);
        Customers = new(Directory.Calls);
        Erasures = new(Directory.Calls);
    }

    private async Task StartTicketingAsync(string? dataDirectory = null)
    {
        Ticketing = await ServiceHost.StartAsync(ServiceApps.Ticketing, Settings(ServiceNames.Ticketing), dataDirectory);
        Tickets = new(Ticketing.Calls);
    }

    private async Task StartNotificationAsync(string? dataDirectory = null)
    {
        Notification = await ServiceHost.StartAsync(ServiceApps.Notification, Settings(ServiceNames.Notification), dataDirectory);
        Notifications = new(Notification.Calls);
    }

    private static void CopyFiles(string from, string to)
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(to, Path.GetRelativePath(from, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
    }

    /// <summary>Ticketing as two replicas on one shared LiteDB file (one consumer group, a consumer each) instead of one.</summary>
    public async Task<ServiceHost> StartSecondTicketingReplicaAsync()
    {
        var dataDirectory = Ticketing.DataDirectory;
        await Ticketing.DisposeAsync();
        Dictionary<string, string?> Replica(string name, bool ownPort) => new(Settings(ServiceNames.Ticketing))
        {
            ["Storage:LiteDbConnection"] = "Shared",
            ["Messaging:InstanceName"] = name,
            ["Endpoints:GrpcPort"] = ownPort ? "0" : _grpcPorts[ServiceNames.Ticketing].ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        Ticketing = await ServiceHost.StartAsync(ServiceApps.Ticketing, Replica("ticketing-a", ownPort: false), dataDirectory);
        Tickets = new(Ticketing.Calls);
        return await ServiceHost.StartAsync(ServiceApps.Ticketing, Replica("ticketing-b", ownPort: true), dataDirectory);
    }

    /// <summary>Every receipt in the "erasure-receipts" stream, oldest first.</summary>
    public async Task<IReadOnlyList<ErasureReceipt>> ReceiptsAsync()
    {
        await using var redis = await ConnectRedisAsync();
        var entries = await redis.GetDatabase().StreamRangeAsync(new StreamKeys(Prefix, "erasure-receipts").Stream);
        return [.. entries.Select(entry => EnvelopeOf(entry).Payload.Unpack<ErasureReceipt>())];
    }

    /// <summary>The removal command Directory appended for the request (the first, when it was retried).</summary>
    public async Task<CustomerErasureRequested> CommandAsync(string erasureId)
    {
        await using var redis = await ConnectRedisAsync();
        var entries = await redis.GetDatabase().StreamRangeAsync(new StreamKeys(Prefix, "erasure").Stream);
        return entries.Select(entry => EnvelopeOf(entry).Payload)
            .Where(payload => payload.Is(CustomerErasureRequested.Descriptor))
            .Select(payload => payload.Unpack<CustomerErasureRequested>())
            .First(command => command.RequestId == erasureId);
    }

    /// <summary>
    /// Waits for the first entry of <paramref name="family"/>'s stream that <paramref name="matches"/>, deletes it and
    /// returns its fields, to append them again later: the event is then delivered late, as after a long retry.
    /// </summary>
    public async Task<NameValueEntry[]> HoldBackAsync(string family, Func<EventEnvelope, bool> matches)
    {
        await using var redis = await ConnectRedisAsync();
        var stream = new StreamKeys(Prefix, family).Stream;
        var entry = await Eventually.WaitForAsync(
            async () => (await redis.GetDatabase().StreamRangeAsync(stream)).FirstOrDefault(candidate => matches(EnvelopeOf(candidate))),
            // By its id: a default StreamEntry (nothing found yet) has none.
            found => !found.Id.IsNull,
            $"the event to hold back in {family}");
        await redis.GetDatabase().StreamDeleteAsync(stream, [entry.Id]);
        return entry.Values;
    }

    /// <summary>Appends an entry held back by <see cref="HoldBackAsync"/>, unchanged, at the end of the stream.</summary>
    public async Task DeliverLateAsync(string family, NameValueEntry[] fields)
    {
        await using var redis = await ConnectRedisAsync();
        await redis.GetDatabase().StreamAddAsync(new StreamKeys(Prefix, family).Stream, fields);
    }

    /// <summary>How many entries of <paramref name="family"/> the service's consumer group read and has not acknowledged.</summary>
    public async Task<long> UnacknowledgedAsync(string family, string service)
    {
        await using var redis = await ConnectRedisAsync();
        return (await redis.GetDatabase().StreamPendingAsync(new StreamKeys(Prefix, family).Stream, service)).PendingMessageCount;
    }

    public Task<ConnectionMultiplexer> ConnectRedisAsync() => ConnectionMultiplexer.ConnectAsync(_redis.Configuration);

    private static EventEnvelope EnvelopeOf(StreamEntry entry) => EventEnvelope.Parser.ParseFrom((byte[])entry[EventStreams.EnvelopeField]!);

    public async Task<Metadata> NewSignedInAsync(Role role, string? customerId = null, params string[] projectKeys) =>
        Bearer((await Identity.NewSignedInAsync(role, customerId, projectKeys)).AccessToken);

    /// <summary>A project created in Ticketing, once Directory has learnt its key from ProjectCreated.</summary>
    public async Task<string> NewProjectAsync(bool acceptMailFromAnyone = false)
    {
        var key = "R" + string.Concat(Guid.NewGuid().ToString("N")[..8].Select(c => (char)('A' + (Convert.ToInt32(c.ToString(), 16) % 26))));
        await Tickets.CreateProjectAsync(new CreateProjectRequest { Key = key, Name = $"Project {key}", AcceptMailFromAnyone = acceptMailFromAnyone }, Admin);
        await Eventually.WaitForAsync(
            async () => await RpcAssert.StatusOfAsync(() => Customers.ListCustomersAsync(new ListCustomersRequest { ProjectKey = key }, Admin).ResponseAsync),
            status => status == StatusCode.OK,
            $"Directory to register project {key}");
        return key;
    }

    /// <summary>Waits until the customer's one letter waits in Notification's queue with its message (the SMTP server stopped).</summary>
    public Task WaitForQueuedLetterAsync(string customerId, string whose) =>
        Eventually.WaitForAsync(
            () => Notification.Services.GetRequiredService<IDeliveryStore>().ListToRecipientAsync(customerId, string.Empty, CancellationToken.None),
            queued => queued is [{ Attempts: >= 1, Message: not null }],
            $"{whose} letter to wait for the mail server");

    /// <summary>Renames the customer as themselves, and waits until Ticketing (by the ticket they report) and Notification know the new name.</summary>
    public async Task RenameAsThemselvesAsync(string customerId, Metadata asCustomer, string displayName, string reportedTicketId, Metadata agent)
    {
        await Customers.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = customerId, DisplayName = displayName }, asCustomer);
        await Eventually.WaitForAsync(
            () => Tickets.GetTicketAsync(new GetTicketRequest { TicketId = reportedTicketId }, agent).ResponseAsync,
            ticket => ticket.Reporter.DisplayName == displayName,
            "Ticketing to learn the new name");
        await Eventually.WaitForAsync(
            () => Notification.Services.GetRequiredService<IKnownCustomerStore>().FindAsync(customerId, CancellationToken.None),
            customer => customer?.DisplayName == displayName,
            "Notification to learn the new name");
    }

    /// <summary>The customer asks for their own removal and the admin approves it; returns the request's id once every service has finished.</summary>
    public async Task<string> RemoveAtTheirRequestAsync(Metadata asCustomer)
    {
        var request = await Erasures.RequestOwnRemovalAsync(new RequestOwnRemovalRequest { Mode = Contracts.Directory.V1.ErasureMode.Anonymize }, asCustomer);
        await Erasures.ApproveErasureAsync(new ApproveErasureRequest { ErasureId = request.Id }, Admin);
        await WaitForCompletionAsync(request.Id);
        return request.Id;
    }

    /// <summary>Whether the service asked Directory for the key (its cache of keys holds it: <c>DirectoryCustomerKeyProvider</c>).</summary>
    public static bool AskedForKey(ServiceHost service, string keyId) =>
        service.Services.GetRequiredService<Microsoft.Extensions.Caching.Memory.IMemoryCache>().TryGetValue(keyId, out _);

    /// <summary>The request once every service's receipt is folded in (<paramref name="what"/> names the wait in a timeout).</summary>
    public Task<ErasureRequest> WaitForCompletionAsync(string erasureId, string what = "every service's receipt") =>
        Eventually.WaitForAsync(
            () => Erasures.GetErasureAsync(new GetErasureRequest { ErasureId = erasureId }, Admin).ResponseAsync,
            erasure => erasure.Status == ErasureStatus.Completed,
            what,
            TimeSpan.FromSeconds(60));

    /// <summary>Every occurrence of the strings in any file a host or Redis wrote, and in anything Redis holds.</summary>
    public async Task<IReadOnlyList<ForensicFinding>> ScanAsync(params string[] needles)
    {
        var directories = Hosts.Select(host => host.DataDirectory).ToList();
        if (_redis.Server is { } redis)
        {
            directories.Add(redis.DataDirectory);
        }

        return [.. ForensicScan.Files(directories, needles), .. await ForensicScan.RedisAsync(_redis.Configuration, needles)];
    }

    /// <summary>
    /// Fails naming the host whose captured log lines, as an operator would see them, hold any of the strings in any
    /// letter case; hosts stopped during the test included.
    /// </summary>
    public void AssertNoLogHolds(params string[] needles)
    {
        foreach (var host in Hosts.Concat(_stoppedHosts))
        {
            foreach (var needle in needles)
            {
                Assert.False(host.Logs.All.Contains(needle, StringComparison.OrdinalIgnoreCase), $"{host.Service.Name}'s log holds personal data.");
            }
        }
    }

    private string Address(string service) => $"http://127.0.0.1:{_grpcPorts[service]}";

    private Dictionary<string, string?> Settings(string service) => service == ServiceNames.Notification
        ? new(CommonSettings(service))
        {
            ["Notification:Smtp:Host"] = "127.0.0.1",
            ["Notification:Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notification:Smtp:Security"] = "None",
            // Quick retries, and never failed for good while a test keeps the SMTP server stopped.
            ["Notification:FirstRetryDelay"] = "00:00:00.200",
            ["Notification:MaxRetryDelay"] = "00:00:01",
            ["Notification:MaxAttempts"] = "1000",
        }
        : CommonSettings(service);

    private Dictionary<string, string?> CommonSettings(string service) => new()
    {
        ["Endpoints:GrpcPort"] = _grpcPorts[service].ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Redis:Configuration"] = _redis.Configuration,
        ["Auth:Authority"] = Identity.Endpoints.HttpUri.ToString(),
        ["Auth:ServiceSecret"] = ServiceSecret(service),
        ["Services:identity"] = Identity.Endpoints.GrpcUri.ToString(),
        ["Services:directory"] = Address(ServiceNames.Directory),
        ["Services:ticketing"] = Address(ServiceNames.Ticketing),
        ["Services:notification"] = Address(ServiceNames.Notification),
        ["Messaging:KeyPrefix"] = Prefix,
        ["Messaging:PollInterval"] = "00:00:00.250",
        ["Messaging:RelayInterval"] = "00:00:00.250",
    };
}
