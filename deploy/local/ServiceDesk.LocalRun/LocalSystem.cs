using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using ServiceDesk.LocalRedis;
using ServiceDesk.Storage;

namespace ServiceDesk.LocalRun;

/// <summary>Redis and the five services on 127.0.0.1, started in dependency order and stopped together.</summary>
public sealed class LocalSystem(LocalRunOptions options)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Where Identity keeps a generated first admin's login and password (mode 0600).</summary>
    public const string InitialAdminFile = "initial-admin.txt";

    /// <summary>Held by the run for its lifetime: a second run on the same directory would start a second Redis on its AOF.</summary>
    private const string DataDirectoryLockFile = "local-run.lock";

    public async Task<int> RunAsync(CancellationToken stop)
    {
        var port = options.BasePort;
        var backends = new[]
        {
            new LocalService("identity", "Identity", port + 10, port + 11),
            new LocalService("directory", "Directory", port + 20, port + 21),
            new LocalService("ticketing", "Ticketing", port + 30, port + 31),
            new LocalService("notification", "Notification", port + 40, port + 41),
        };
        var gateway = new LocalService("gateway", "Gateway", port + 1, port);
        LocalService[] all = [.. backends, gateway];
        var redisPort = port + 2;

        if (DataDirectory.Prepare(options.DataDirectory) is { } unusable)
        {
            await Console.Error.WriteLineAsync($"Cannot start: {unusable}");
            return 2;
        }

        // The services lock their own LiteDB files too, but only once Redis and the services before them have started.
        using var dataDirectoryLock = FileLock.TryAcquire(Path.Combine(options.DataDirectory, DataDirectoryLockFile));
        if (dataDirectoryLock is null)
        {
            await Console.Error.WriteLineAsync(
                $"Cannot start: {options.DataDirectory} is in use by another local run ({DataDirectoryLockFile} there is locked). " +
                "Stop that run, or choose another directory with --data-dir.");
            return 2;
        }

        // After the lock: a second run on the same directory and ports finds them held by the first, and was told to
        // choose other ports, which only brought it to the lock.
        var busy = all.SelectMany(s => s.Ports).Append((Purpose: "Redis", Port: redisPort)).Where(p => !FreePorts.IsFree(p.Port)).ToList();
        if (busy.Count > 0)
        {
            await Console.Error.WriteLineAsync(
                $"Cannot start: {string.Join(", ", busy.Select(p => $"port {p.Port} ({p.Purpose})"))} already in use. " +
                $"Stop what holds it, or choose other ports with --base-port (uses {port}..{port + 41}).");
            return 2;
        }

        Console.WriteLine($"Starting Redis (AOF in {Path.Combine(options.DataDirectory, "redis")}) ...");
        // Bound to 127.0.0.1, but any user of the machine could reach it there: clients must authenticate.
        var redisPassword = await SecretFile.ReadOrCreateAsync(options.DataDirectory, SecretFile.RedisPassword, stop);
        RedisServer redis;
        try
        {
            redis = await RedisServer.StartAsync(Path.Combine(options.DataDirectory, "redis"), redisPort, redisPassword, stop);
        }
        catch (InvalidOperationException error)
        {
            await Console.Error.WriteLineAsync($"Cannot start: {error.Message}");
            return 2;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0;
        }

        await using var stoppedWithTheRun = redis;
        try
        {
            var environment = new Dictionary<string, string> { ["Redis__Configuration"] = redis.Endpoint, ["Redis__Password"] = redisPassword };
            foreach (var backend in backends)
            {
                environment[$"Services__{backend.Name}"] = $"http://127.0.0.1:{backend.GrpcPort}";
            }

            var identity = backends[0];
            environment["Auth__Authority"] = $"http://127.0.0.1:{identity.HttpPort}";
            // The backlog and dead-letter gauges an operator watches a removal by (deploy/README.md) are on /metrics only
            // with an exporter; a caller's own choice (otlp, none) is kept.
            environment["Telemetry__Exporter"] = Environment.GetEnvironmentVariable("Telemetry__Exporter") is { Length: > 0 } exporter ? exporter : "prometheus";
            // Fresh service secrets every run: service tokens live minutes, so nothing needs them to persist.
            // The gateway calls on behalf of its users; its own token only vouches for the client address of a sign-in.
            var secrets = backends.Where(s => s != identity).Append(gateway).ToDictionary(s => s.Name, _ => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
            // The services that store keys get the key-encryption key, and Ticketing and Notification, which derive their page tokens' keys from it.
            var keyEncryptionKey = await SecretFile.ReadOrCreateAsync(options.DataDirectory, SecretFile.KeyEncryptionKey, stop);
            // Every backend signs the events it publishes with a key of its own, and lists every backend's public half to
            // verify what it reads; the keys persist so entries in Redis's AOF verify after a restart.
            var eventSigningKeys = new Dictionary<string, string>();
            foreach (var backend in backends)
            {
                eventSigningKeys[backend.Name] = await SecretFile.ReadOrCreateAsync(options.DataDirectory, SecretFile.EventSigningKey(backend.Name), stop, NewEventSigningKey);
            }
            // Kept too: a new pepper would make every erased address's hash in the stores unrecognisable.
            var tombstonePepper = await SecretFile.ReadOrCreateAsync(options.DataDirectory, SecretFile.TombstonePepper, stop);
            var initialAdminFile = Path.Combine(options.DataDirectory, InitialAdminFile);
            var initialAdminExisted = File.Exists(initialAdminFile);
            Console.WriteLine("Starting identity, directory, ticketing, notification and gateway ...");
            foreach (var service in all)
            {
                var own = new Dictionary<string, string>(environment);
                if (service == identity || service.Name is "directory" or "ticketing" or "notification")
                {
                    own["KeyProtection__Key"] = keyEncryptionKey;
                }

                if (service.Name == "notification")
                {
                    // Messages link to the gateway; with no SMTP server configured they land in <data dir>/mail-pickup.
                    own["Notification__PortalBaseUrl"] = $"http://127.0.0.1:{gateway.HttpPort}/";
                }

                if (backends.Contains(service))
                {
                    own["Messaging__SigningKey"] = eventSigningKeys[service.Name];
                    foreach (var (publisher, key) in eventSigningKeys)
                    {
                        own[$"Messaging__PublisherKeys__{publisher}"] = PublicHalf(key);
                    }
                    own["Erasure__TombstonePepper"] = tombstonePepper;
                }

                if (service == identity)
                {
                    // One replica, and the sign-in counters it keys with this expire within minutes: a fresh key per run loses nothing.
                    own["Identity__Throttling__KeySecret"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
                    // Sign-ins reach Identity through the gateway, which appends the browser's address to x-forwarded-for.
                    own["Identity__Throttling__TrustedProxyHops"] = "1";
                    // Used only when no Identity__BootstrapAdmin__Login/Password is set and no admin exists yet.
                    own["Identity__BootstrapAdmin__GeneratedCredentialsFile"] = initialAdminFile;
                    foreach (var (name, secret) in secrets)
                    {
                        own[$"Identity__ServiceCredentials__{name}"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
                    }
                }
                else if (secrets.TryGetValue(service.Name, out var secret))
                {
                    own["Auth__ServiceSecret"] = secret;
                }

                if (service == gateway)
                {
                    // Plain HTTP on 127.0.0.1: browsers would drop Secure cookies.
                    own["Gateway__SecureCookies"] = "false";
                }

                service.Start(options, own);
            }

            if (!await WaitUntilServingAsync(all, gateway, stop))
            {
                return stop.IsCancellationRequested ? 0 : 1;
            }

            PrintAddresses(redis, backends, gateway);
            await PrintInitialAdminAsync(initialAdminFile, initialAdminExisted, stop);
            await WatchAsync(all, redis, stop);
            return stop.IsCancellationRequested ? 0 : 1;
        }
        finally
        {
            Console.WriteLine("Stopping ...");
            await Task.WhenAll(all.Select(s => s.DisposeAsync().AsTask()));
            Console.WriteLine("Stopped. Data kept in " + options.DataDirectory);
        }
    }

    private static byte[] NewEventSigningKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKey();
    }

    private static string PublicHalf(string signingKey)
    {
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(Convert.FromBase64String(signingKey), out _);
        return Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>
    /// Until every service answers SERVING, and the gateway, which stays ready while a backend is down, also finds every
    /// backend healthy: the first call after "ServiceDesk is running." reaches them.
    /// </summary>
    private static async Task<bool> WaitUntilServingAsync(IReadOnlyList<LocalService> services, LocalService gateway, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        var waiting = services.ToList();
        while (waiting.Count > 0)
        {
            if (waiting.FirstOrDefault(s => s.HasExited) is { } crashed)
            {
                await Console.Error.WriteLineAsync($"{crashed.Name} exited with code {crashed.ExitCode} while starting; see {crashed.LogFile}.");
                return false;
            }

            if (clock.Elapsed > StartTimeout)
            {
                await Console.Error.WriteLineAsync(
                    $"Not serving after {StartTimeout.TotalSeconds:F0}s: {string.Join(", ", waiting.Select(s => s.Name))}; see their logs in {Path.GetDirectoryName(waiting[0].LogFile)}.");
                return false;
            }

            foreach (var service in waiting.ToList())
            {
                if (await service.IsServingAsync(stop) && (service != gateway || await service.ReportsHealthyAsync(stop)))
                {
                    Console.WriteLine($"  {service.Name} is SERVING ({clock.Elapsed.TotalSeconds:F1}s)");
                    waiting.Remove(service);
                }
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), stop);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return true;
    }

    private void PrintAddresses(RedisServer redis, IEnumerable<LocalService> backends, LocalService gateway)
    {
        Console.WriteLine();
        Console.WriteLine("ServiceDesk is running.");
        Console.WriteLine($"  Console        http://127.0.0.1:{gateway.HttpPort}/   (API /api/v1, reference /scalar, OpenAPI /openapi/v1.json)");
        Console.WriteLine($"  Gateway        http://127.0.0.1:{gateway.HttpPort}   (gRPC health 127.0.0.1:{gateway.GrpcPort})");
        foreach (var backend in backends)
        {
            Console.WriteLine($"  {backend.Name,-14} gRPC 127.0.0.1:{backend.GrpcPort}   HTTP http://127.0.0.1:{backend.HttpPort}");
        }

        Console.WriteLine($"  Redis          {redis.Endpoint}   (password in {Path.Combine(options.DataDirectory, SecretFile.RedisPassword)})");
        Console.WriteLine($"  Data           {options.DataDirectory}   (logs in {Path.Combine(options.DataDirectory, "logs")})");
        Console.WriteLine("Press Ctrl-C to stop.");
    }

    /// <summary>
    /// The generated first admin (none when one was configured): login and password printed once, on the run that
    /// created them; later runs name the file only.
    /// </summary>
    private static async Task PrintInitialAdminAsync(string file, bool existedBefore, CancellationToken stop)
    {
        if (!File.Exists(file))
        {
            return;
        }

        var lines = await File.ReadAllLinesAsync(file, stop);
        var login = lines.FirstOrDefault(line => line.StartsWith("login=", StringComparison.Ordinal))?["login=".Length..];
        if (existedBefore)
        {
            Console.WriteLine($"Initial admin: {login}, password in {file} (readable by you only).");
            return;
        }

        var password = lines.FirstOrDefault(line => line.StartsWith("password=", StringComparison.Ordinal))?["password=".Length..];
        Console.WriteLine();
        Console.WriteLine("No admin was configured, so one was created. Sign in to the console with:");
        Console.WriteLine($"  login     {login}");
        Console.WriteLine($"  password  {password}");
        Console.WriteLine($"This is shown once; it is kept in {file} (readable by you only). Change the password, then delete the file.");
    }

    private static async Task WatchAsync(IReadOnlyList<LocalService> services, RedisServer redis, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (services.FirstOrDefault(s => s.HasExited) is { } crashed)
            {
                await Console.Error.WriteLineAsync($"{crashed.Name} exited with code {crashed.ExitCode}; see {crashed.LogFile}. Stopping everything.");
                return;
            }

            // Not left with its port free: whoever took it would be sent the password by every service reconnecting.
            if (!redis.IsRunning)
            {
                await Console.Error.WriteLineAsync($"Redis exited; see {Path.Combine(redis.DataDirectory, "redis.log")}. Stopping everything.");
                return;
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
