using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Grpc.Net.Client;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.LocalRedis;
using ServiceDesk.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ServiceDesk.LocalRun.Tests;

/// <summary>README command 1, end to end: the orchestrator starts Redis and the five services, reports them
/// SERVING, and stops everything on Ctrl-C; a second run reuses the data; busy ports give a clear message.</summary>
public sealed class LocalRunTests(ITestOutputHelper output)
{
    private static readonly string Configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    [Fact]
    public async Task The_local_run_starts_every_service_stops_cleanly_on_ctrl_c_and_reuses_its_data()
    {
        // One the run creates itself, as `.data` on a first run.
        var dataDirectory = Path.Combine(TestDirectory.Create("local-run"), "data");
        var basePort = FreePorts.Range(42);

        var firstAdmin = new Dictionary<string, string>
        {
            ["Identity__BootstrapAdmin__Login"] = IdentityTestHost.AdminLogin,
            ["Identity__BootstrapAdmin__Password"] = IdentityTestHost.Password,
        };
        await using (var run = LocalRunProcess.Start(dataDirectory, basePort, firstAdmin))
        {
            await run.WaitForLineAsync("ServiceDesk is running.", TimeSpan.FromMinutes(3));
            using var http = new HttpClient();
            var health = await http.GetStringAsync($"http://127.0.0.1:{basePort}/healthz");
            Assert.Contains("\"status\":\"Healthy\"", health, StringComparison.Ordinal);
            foreach (var service in new[] { "identity", "directory", "ticketing", "notification" })
            {
                Assert.Contains($"\"{service}\":{{\"status\":\"Healthy\"", health, StringComparison.Ordinal);
            }

            Assert.Contains(run.Lines, l => l.Contains($"Console        http://127.0.0.1:{basePort}/", StringComparison.Ordinal));

            // Redis answers no one without its password, which is on no command line and not printed.
            var redisPassword = (await File.ReadAllTextAsync(Path.Combine(dataDirectory, SecretFile.RedisPassword))).Trim();
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            {
                Assert.StartsWith("-NOAUTH", await RedisServer.SendInlineAsync(basePort + 2, "PING\r\n", 1, timeout.Token), StringComparison.Ordinal);
                Assert.Equal("+OK\r\n+PONG\r\n", await RedisServer.SendInlineAsync(basePort + 2, $"AUTH {redisPassword}\r\nPING\r\n", 2, timeout.Token));
            }

            Assert.Contains(run.Lines, l => l.Contains($"Redis          127.0.0.1:{basePort + 2}   (password in ", StringComparison.Ordinal));
            Assert.DoesNotContain(run.Lines, l => l.Contains(redisPassword, StringComparison.Ordinal));
            if (OperatingSystem.IsLinux())
            {
                var commandLines = CommandLines();
                Assert.Contains(commandLines, line => line.Contains("redis-server", StringComparison.Ordinal) && line.Contains($"{basePort + 2}", StringComparison.Ordinal));
                Assert.DoesNotContain(commandLines, line => line.Contains(redisPassword, StringComparison.Ordinal));
            }

            Assert.Equal(0, await run.InterruptAsync());
            Assert.Contains(run.Lines, l => l.StartsWith("Stopped.", StringComparison.Ordinal));
            Assert.DoesNotContain(run.Lines, l => l.StartsWith("Warning:", StringComparison.Ordinal));
            output.WriteLine(string.Join('\n', run.Lines));
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dataDirectory));
            // Stores, logs, Redis's AOF: whatever the run and its children wrote is theirs alone (umask 077).
            var written = System.IO.Directory.GetFileSystemEntries(dataDirectory, "*", SearchOption.AllDirectories);
            Assert.Contains(written, path => path.EndsWith(".log", StringComparison.Ordinal));
            Assert.Contains(written, path => path.Contains("appendonly", StringComparison.Ordinal));
            var openToOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
            var open = new List<string>();
            foreach (var path in written)
            {
                if ((File.GetUnixFileMode(path) & openToOthers) != 0)
                {
                    open.Add($"{path} {File.GetUnixFileMode(path)}");
                }
            }

            Assert.Empty(open);
        }

        // A configured admin wins: nothing was generated.
        Assert.False(File.Exists(Path.Combine(dataDirectory, LocalSystem.InitialAdminFile)));

        var files = System.IO.Directory.GetFiles(dataDirectory, "*.db").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["directory.db", "identity.db", "notification.db", "ticketing.db"], files);
        // The key-encryption key and the tombstone pepper: what they protect or key is stored, so both persist.
        var secretFiles = new[] { SecretFile.KeyEncryptionKey, SecretFile.TombstonePepper }.Select(name => Path.Combine(dataDirectory, name)).ToList();
        var secrets = new List<string>();
        foreach (var file in secretFiles)
        {
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }

            secrets.Add(await File.ReadAllTextAsync(file));
            Assert.Equal(32, Convert.FromBase64String(secrets[^1]).Length);
        }

        // The second run names no admin: signing in with the one the first run created proves the data was kept.
        await using (var again = LocalRunProcess.Start(dataDirectory, basePort))
        {
            await again.WaitForLineAsync("ServiceDesk is running.", TimeSpan.FromMinutes(3));
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{basePort + 10}");
            var signedIn = await new IdentityService.IdentityServiceClient(channel).SignInAsync(
                new SignInRequest { Login = IdentityTestHost.AdminLogin, Password = IdentityTestHost.Password });
            Assert.Equal(Role.Admin, signedIn.Account.Role);
            // The terminal closed: the run stops everything, Redis included, as on Ctrl-C.
            Assert.Equal(0, await again.HangUpAsync());
            Assert.Contains(again.Lines, l => l.StartsWith("Stopped.", StringComparison.Ordinal));
            Assert.True(FreePorts.IsFree(basePort + 2), "Redis still holds its port after the run stopped");
        }

        // The same secrets again: the keys the first run wrapped stay usable, its erased addresses' hashes recognisable.
        Assert.Equal(secrets, await Task.WhenAll(secretFiles.Select(file => File.ReadAllTextAsync(file))));
    }

    [Fact]
    public async Task A_first_run_without_an_admin_prints_a_generated_one_once_who_signs_in_at_the_console()
    {
        var dataDirectory = TestDirectory.Create("local-run-initial-admin");
        if (!OperatingSystem.IsWindows())
        {
            // A directory of the user's own, open to others: narrowed to 700, with a note.
            File.SetUnixFileMode(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        var basePort = FreePorts.Range(42);
        string login, password;
        await using (var run = LocalRunProcess.Start(dataDirectory, basePort))
        {
            await run.WaitForLineAsync("ServiceDesk is running.", TimeSpan.FromMinutes(3));
            Assert.True(OperatingSystem.IsWindows() || run.Lines.Any(l => l.StartsWith($"Note: {dataDirectory} was open to other users (mode 755); set to 700", StringComparison.Ordinal)), "no note about the open data directory");
            Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(dataDirectory) == (UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute), "the data directory is still open to others");
            await run.WaitForLineAsync("This is shown once", TimeSpan.FromSeconds(30));
            login = run.Lines.Single(l => l.StartsWith("  login ", StringComparison.Ordinal))["  login ".Length..].Trim();
            password = run.Lines.Single(l => l.StartsWith("  password ", StringComparison.Ordinal))["  password ".Length..].Trim();
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{basePort}") };
            using var signIn = await http.PostAsJsonAsync("/api/v1/session", new { login, password });
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
            Assert.Contains("\"role\":\"admin\"", await signIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(0, await run.InterruptAsync());
        }

        var file = Path.Combine(dataDirectory, LocalSystem.InitialAdminFile);
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(file) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), "the file is readable by others");
        await using (var again = LocalRunProcess.Start(dataDirectory, basePort))
        {
            await again.WaitForLineAsync("Initial admin:", TimeSpan.FromMinutes(3));
            Assert.DoesNotContain(again.Lines, l => l.Contains(password, StringComparison.Ordinal));
            Assert.Equal(0, await again.InterruptAsync());
        }
    }

    /// <summary>
    /// A second run on the same data directory (on other ports) once started a second Redis on the first one's AOF and a
    /// second process on every LiteDB file, and both wrote them. On the same ports, as a second <c>deploy/local/run.sh</c>
    /// is, it was told the ports were in use and to choose others, which only brought it to this refusal.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_second_run_on_the_same_data_directory_is_refused_before_it_starts_anything_and_the_first_keeps_serving(bool samePorts)
    {
        var dataDirectory = TestDirectory.Create("local-run-twice");
        var basePort = FreePorts.Range(42);
        await using var first = LocalRunProcess.Start(dataDirectory, basePort);
        await first.WaitForLineAsync("ServiceDesk is running.", TimeSpan.FromMinutes(3));
        var otherPorts = samePorts ? basePort : FreePorts.Range(42);

        await using (var second = LocalRunProcess.Start(dataDirectory, otherPorts))
        {
            Assert.Equal(2, await second.WaitForExitAsync(TimeSpan.FromMinutes(1)));
            var message = Assert.Single(second.Lines, l => l.StartsWith("Cannot start:", StringComparison.Ordinal));
            Assert.Contains($"{dataDirectory} is in use by another local run", message, StringComparison.Ordinal);
            Assert.DoesNotContain(second.Lines, l => l.StartsWith("Starting", StringComparison.Ordinal));
        }

        if (OperatingSystem.IsLinux() && !samePorts)
        {
            Assert.DoesNotContain(CommandLines(), line => line.Contains("redis-server", StringComparison.Ordinal) && line.Contains($"{otherPorts + 2}", StringComparison.Ordinal));
        }

        using var http = new HttpClient();
        Assert.Contains("\"status\":\"Healthy\"", await http.GetStringAsync($"http://127.0.0.1:{basePort}/healthz"), StringComparison.Ordinal);
        Assert.Equal(0, await first.InterruptAsync());
    }

    [Theory]
    [InlineData(20, "directory gRPC")]
    [InlineData(2, "Redis")]
    public async Task A_port_in_use_gives_a_clear_message_instead_of_a_stack_trace(int offset, string purpose)
    {
        var basePort = FreePorts.Range(42);
        using var holder = new TcpListener(IPAddress.Loopback, basePort + offset);
        holder.Start();

        await using var run = LocalRunProcess.Start(TestDirectory.Create("local-run-busy"), basePort);
        var exitCode = await run.WaitForExitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(2, exitCode);
        var message = Assert.Single(run.Lines, l => l.StartsWith("Cannot start:", StringComparison.Ordinal));
        Assert.Contains($"port {basePort + offset} ({purpose}) already in use", message, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    /// <summary>Redis gone mid-run (killed here): the run stops everything, rather than leave its port to whoever takes it next.</summary>
    /// <summary>
    /// The README's table gives every service's HTTP address for health, metrics and REST, and deploy/README.md has an
    /// operator follow a removal's backlog and dead letters on <c>/metrics</c>: the local run must export them.
    /// </summary>
    [Fact]
    public async Task Every_service_of_the_local_run_serves_its_metrics_with_the_event_backlog_gauges()
    {
        var basePort = FreePorts.Range(42);
        await using var run = LocalRunProcess.Start(TestDirectory.Create("local-run-metrics"), basePort);
        await run.WaitForLineAsync("ServiceDesk is running.", TimeSpan.FromMinutes(3));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var backends = new[] { ("identity", basePort + 11), ("directory", basePort + 21), ("ticketing", basePort + 31), ("notification", basePort + 41) };
        foreach (var (service, port) in backends.Append(("gateway", basePort)))
        {
            using var response = await http.GetAsync($"http://127.0.0.1:{port}/metrics");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{service}: GET /metrics answered {(int)response.StatusCode}");
        }

        foreach (var (service, port) in backends)
        {
            await Eventually.WaitForAsync(
                () => http.GetStringAsync($"http://127.0.0.1:{port}/metrics"),
                metrics => metrics.Contains("servicedesk_events_dead_letters", StringComparison.Ordinal),
                $"{service}'s dead-letter gauge on /metrics", TimeSpan.FromMinutes(1));
        }

        Assert.Equal(0, await run.InterruptAsync());
    }

    [Fact]
    public async Task Redis_exiting_stops_the_run()
    {
        var basePort = FreePorts.Range(42);
        await using var run = LocalRunProcess.Start(TestDirectory.Create("local-run-redis-exit"), basePort);
        await run.WaitForLineAsync("ServiceDesk is running.", TimeSpan.FromMinutes(3));
        var redisPid = System.IO.Directory.GetDirectories("/proc")
            .Select(directory => Path.GetFileName(directory))
            .Single(pid => pid.All(char.IsAsciiDigit) && CommandLineOf(pid).Contains($"redis-server 127.0.0.1:{basePort + 2}", StringComparison.Ordinal));
        using (var kill = Process.Start("kill", ["-KILL", redisPid]))
        {
            await kill.WaitForExitAsync();
        }

        Assert.Equal(1, await run.WaitForExitAsync(TimeSpan.FromMinutes(3)));
        Assert.Contains(run.Lines, l => l.StartsWith("Redis exited; see ", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("Stopped.", StringComparison.Ordinal));
    }

    /// <summary>
    /// A directory another user made (in /tmp, say) would let them read what the run writes and plant the secrets it
    /// reads back (a first admin's password file): refused before anything is written in it.
    /// </summary>
    [Fact]
    public async Task A_data_directory_of_another_user_is_refused_before_anything_is_written_in_it()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var dataDirectory = TestDirectory.Create("local-run-foreign");
        File.SetUnixFileMode(dataDirectory, (UnixFileMode)0b111_111_111);
        // This machine's tests run as root, who may give the directory away; nobody's uid is 65534 on Debian.
        using (var chown = Process.Start("chown", ["65534", dataDirectory]))
        {
            await chown.WaitForExitAsync();
            Assert.Equal(0, chown.ExitCode);
        }

        await using var run = LocalRunProcess.Start(dataDirectory, FreePorts.Range(42));
        var exitCode = await run.WaitForExitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(2, exitCode);
        var message = Assert.Single(run.Lines, l => l.StartsWith("Cannot start:", StringComparison.Ordinal));
        Assert.Contains($"{dataDirectory} belongs to another user (uid 65534)", message, StringComparison.Ordinal);
        Assert.Empty(System.IO.Directory.GetFileSystemEntries(dataDirectory));
    }

    [Fact]
    public async Task A_secret_file_left_half_written_by_a_killed_run_is_replaced_by_a_whole_one()
    {
        var dataDirectory = TestDirectory.Create("local-run-secret");
        // What a run killed while writing leaves: a partial temporary file, and no secret.
        await File.WriteAllTextAsync(Path.Combine(dataDirectory, SecretFile.RedisPassword + ".tmp"), "half");

        var secret = await SecretFile.ReadOrCreateAsync(dataDirectory, SecretFile.RedisPassword, CancellationToken.None);

        Assert.Equal(32, Convert.FromBase64String(secret).Length);
        Assert.Equal(secret, await SecretFile.ReadOrCreateAsync(dataDirectory, SecretFile.RedisPassword, CancellationToken.None));
        Assert.Equal([SecretFile.RedisPassword], System.IO.Directory.GetFiles(dataDirectory).Select(Path.GetFileName));
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(Path.Combine(dataDirectory, SecretFile.RedisPassword)) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), "the secret is readable by others");
    }

    /// <summary>
    /// Without a memory cap Redis grows until the machine or the pod's limit kills it; with one and an evicting policy it
    /// would drop streams, the removal's ledger. noeviction refuses writes instead, which the outbox and the consumers retry.
    /// </summary>
    [Fact]
    public async Task The_local_redis_has_a_memory_cap_and_never_evicts()
    {
        await using var redis = await RedisServer.StartAsync(Path.Combine(TestDirectory.Create("redis-maxmemory"), "redis"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var replies = await RedisServer.SendInlineAsync(redis.Port, "CONFIG GET maxmemory-policy\r\nCONFIG GET maxmemory\r\n", 10, timeout.Token);

        var lines = replies.Split("\r\n");
        Assert.Equal("noeviction", lines[4]);
        Assert.True(long.Parse(lines[9], CultureInfo.InvariantCulture) > 0, $"maxmemory is {lines[9]}, no cap");
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("line\nrequirepass other")]
    public async Task A_redis_password_that_would_end_its_configuration_line_is_refused_before_anything_starts(string password)
    {
        var directory = Path.Combine(TestDirectory.Create("redis-password"), "redis");
        await Assert.ThrowsAsync<ArgumentException>(() => RedisServer.StartAsync(directory, password: password));
        Assert.False(System.IO.Directory.Exists(directory));
    }

    /// <summary>
    /// Another local user binding Redis's port before redis-server does: redis-server cannot bind it and exits, and the
    /// listener that holds the port is never sent a byte (the first PING carries the password).
    /// </summary>
    [Fact]
    public async Task A_port_someone_else_bound_first_is_never_sent_the_redis_password()
    {
        using var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((System.Net.IPEndPoint)squatter.LocalEndpoint).Port;
        var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var listening = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await squatter.AcceptTcpClientAsync(stop.Token);
                var buffer = new byte[1024];
                var read = await client.GetStream().ReadAsync(buffer, stop.Token);
                received.Enqueue(System.Text.Encoding.ASCII.GetString(buffer, 0, read));
            }
        });

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            RedisServer.StartAsync(Path.Combine(TestDirectory.Create("redis-squatted"), "redis"), port, password: "not-for-the-squatter"));

        Assert.Contains("exited", refused.Message, StringComparison.Ordinal);
        await stop.CancelAsync();
        await Record.ExceptionAsync(() => listening);
        Assert.Empty(received);
    }

    /// <summary>Every process's command line, as any user of the machine can read them.</summary>
    private static List<string> CommandLines() =>
        System.IO.Directory.GetDirectories("/proc")
            .Select(directory => Path.GetFileName(directory))
            .Where(pid => pid.All(char.IsAsciiDigit))
            .Select(pid => CommandLineOf(pid))
            .ToList();

    private static string CommandLineOf(string pid)
    {
        try
        {
            return File.ReadAllText(Path.Combine("/proc", pid, "cmdline")).Replace('\0', ' ');
        }
        catch (IOException)
        {
            // The process ended meanwhile.
            return string.Empty;
        }
    }

    private sealed class LocalRunProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _lines = new();

        private LocalRunProcess(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
            _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public IReadOnlyCollection<string> Lines => _lines;

        public static LocalRunProcess Start(string dataDirectory, int basePort, IReadOnlyDictionary<string, string>? environment = null)
        {
            var orchestrator = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "deploy", "local", "ServiceDesk.LocalRun", "bin", Configuration, "net10.0", "ServiceDesk.LocalRun.dll");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { orchestrator, "--data-dir", dataDirectory, "--base-port", basePort.ToString(CultureInfo.InvariantCulture), "--configuration", Configuration })
            {
                start.ArgumentList.Add(argument);
            }

            foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            {
                start.Environment[key] = value;
            }

            return new LocalRunProcess(Process.Start(start)!);
        }

        public async Task WaitForLineAsync(string text, TimeSpan timeout)
        {
            bool Printed() => _lines.Any(l => l.Contains(text, StringComparison.Ordinal));
            try
            {
                await Eventually.WaitForAsync(() => Printed() || _process.HasExited, $"'{text}' from the local run", timeout);
            }
            catch (TimeoutException)
            {
                // Reported below, with what the run printed.
            }

            Assert.True(Printed(), $"the local run did not print '{text}':\n{string.Join('\n', _lines)}");
        }

        /// <summary>Ctrl-C: SIGINT to the orchestrator, then its exit code.</summary>
        public Task<int> InterruptAsync() => SignalAsync(2);

        /// <summary>The terminal closed: SIGHUP to the orchestrator, then its exit code.</summary>
        public Task<int> HangUpAsync() => SignalAsync(1);

        private async Task<int> SignalAsync(int signal)
        {
            // Tests run from a background job (`.ci/run &`) start the orchestrator with SIGINT ignored, as every
            // background job's child inherits it (and SIGHUP under nohup), and .NET leaves an inherited ignore in
            // place. It then gets SIGTERM, which it handles the same way.
            var sent = Ignores(signal) ? "-TERM" : $"-{signal}";
            using (var kill = Process.Start("kill", [sent, _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            // Generous: on a loaded 2-core machine the services' shutdown and Redis's final save take their time.
            try
            {
                return await WaitForExitAsync(TimeSpan.FromMinutes(3));
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"the local run did not stop within 3 minutes of Ctrl-C; it printed:\n{string.Join('\n', _lines)}");
            }
        }

        private bool Ignores(int signal)
        {
            var ignored = File.ReadLines($"/proc/{_process.Id}/status").Single(line => line.StartsWith("SigIgn:", StringComparison.Ordinal))["SigIgn:".Length..].Trim();
            return (ulong.Parse(ignored, NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << (signal - 1))) != 0;
        }

        public async Task<int> WaitForExitAsync(TimeSpan timeout)
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            _process.WaitForExit();
            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }
    }
}
