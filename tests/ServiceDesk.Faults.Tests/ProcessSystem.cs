using System.Diagnostics;
using ServiceDesk.Hosting;
using ServiceDesk.LocalRedis;
using ServiceDesk.Testing;
using StackExchange.Redis;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Faults.Tests;

/// <summary>
/// Identity, Directory, Ticketing and Notification as child processes on fixed ports over one redis-server
/// (append-only file, fsync every second), with the settings test hosts use.
/// </summary>
public sealed class ProcessSystem : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly Dictionary<string, (int Grpc, int Http)> _ports =
        ServiceNames.Backends.ToDictionary(service => service, _ => (FreePorts.Next(), FreePorts.Next()));

    private ProcessSystem(RedisServer redis) => Redis = redis;

    public RedisServer Redis { get; }

    public string Prefix { get; } = RedisFixture.NewPrefix();

    public IReadOnlyDictionary<string, ServiceProcess> Services { get; private set; } = null!;

    public ServiceProcess this[string service] => Services[service];

    public static async Task<ProcessSystem> StartAsync()
    {
        var system = new ProcessSystem(await RedisServer.StartAsync(TestDirectory.Create("faults-redis")));
        system.Services = ServiceNames.Backends.ToDictionary(service => service, system.Create);
        // Identity first: the others fetch its signing keys.
        foreach (var service in ServiceNames.Backends)
        {
            await system.Services[service].StartAsync(StartTimeout);
        }

        return system;
    }

    public Task RestartAsync(string service) => Services[service].StartAsync(StartTimeout);

    /// <summary>SIGKILL to redis-server (its last second of writes may be lost), then a start from its append-only file.</summary>
    public async Task KillAndRestartRedisAsync(TimeSpan down)
    {
        await using (var connection = await ConnectionMultiplexer.ConnectAsync($"{Redis.Configuration},allowAdmin=true"))
        {
            var info = await connection.GetServers().Single().InfoAsync("server");
            var pid = int.Parse(info.SelectMany(group => group).Single(pair => pair.Key == "process_id").Value, System.Globalization.CultureInfo.InvariantCulture);
            using var process = Process.GetProcessById(pid);
            process.Kill();
            await process.WaitForExitAsync();
        }

        await Task.Delay(down);
        await Redis.StartAsync();
    }

    /// <summary>Every data directory (stores, logs, mail pickup) and Redis's (AOF).</summary>
    public IEnumerable<string> DataDirectories => Services.Values.Select(service => service.DataDirectory).Append(Redis.DataDirectory);

    public async ValueTask DisposeAsync()
    {
        foreach (var service in Services?.Values ?? [])
        {
            await service.DisposeAsync();
        }

        await Redis.DisposeAsync();
    }

    private ServiceProcess Create(string service)
    {
        var dataDirectory = TestDirectory.Create($"faults-{service}");
        var settings = new Dictionary<string, string?>
        {
            ["Endpoints:BindAddress"] = "127.0.0.1",
            ["Endpoints:GrpcPort"] = $"{_ports[service].Grpc}",
            ["Endpoints:HttpPort"] = $"{_ports[service].Http}",
            ["Storage:DataDirectory"] = dataDirectory,
            ["KeyProtection:Key"] = TestKeyProtection.Key,
            ["Redis:Configuration"] = Redis.Configuration,
            ["Erasure:TombstonePepper"] = ServiceHost.TombstonePepper,
            ["Messaging:KeyPrefix"] = Prefix,
            // A stable consumer name: a restarted process takes up its own in-flight entries at once.
            ["Messaging:InstanceName"] = service,
            ["Messaging:PollInterval"] = "00:00:00.500",
            ["Messaging:RelayInterval"] = "00:00:00.500",
            ["Auth:Authority"] = $"http://127.0.0.1:{_ports[ServiceNames.Identity].Http}/",
            ["Auth:ServiceSecret"] = ServiceSecret(service),
            ["Notification:PortalBaseUrl"] = "https://portal.servicedesk.test/",
            ["Identity:Throttling:KeySecret"] = "dGVzdHMtb25seS10aHJvdHRsaW5nLWtleS0wMTIzNDU=",
            ["Identity:PasswordHashing:MemoryKib"] = "256",
            ["Identity:PasswordHashing:Iterations"] = "1",
            ["Identity:Tokens:AccessTokenLifetime"] = "02:00:00",
        };
        foreach (var other in ServiceNames.Backends)
        {
            settings[$"Services:{other}"] = $"http://127.0.0.1:{_ports[other].Grpc}";
        }

        foreach (var (key, value) in TestEventKeys.Settings(service))
        {
            settings[key] = value;
        }

        if (service == ServiceNames.Identity)
        {
            foreach (var (key, value) in IdentityTestHost.Settings(Redis.Configuration))
            {
                settings[key] = value;
            }
        }

        return new ServiceProcess(service, $"ServiceDesk.{char.ToUpperInvariant(service[0])}{service[1..]}", dataDirectory, _ports[service].Grpc, _ports[service].Http, settings);
    }
}
