using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Ticketing.V1;

namespace ServiceDesk.Throughput.Bench;

/// <summary>
/// The whole system as a new user runs it: deploy/local's ServiceDesk.LocalRun (Redis and each service a process of
/// its own, Release build) pinned to the server cores, and gRPC clients signed in as its generated first admin.
/// </summary>
public sealed class RunningSystem : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly Process _process;
    private readonly List<GrpcChannel> _channels = [];

    private RunningSystem(Process process, string redis) => (_process, Redis) = (process, redis);

    /// <summary>The local run's Redis, host and port (its password: <see cref="BenchRedis"/>).</summary>
    public string Redis { get; }

    public ServerCpu Cpu => new(_process.Id);

    public DirectoryService.DirectoryServiceClient Directory { get; private set; } = null!;

    public Health.HealthClient DirectoryHealth { get; private set; } = null!;

    public ErasureService.ErasureServiceClient Erasure { get; private set; } = null!;

    public TicketingService.TicketingServiceClient Ticketing { get; private set; } = null!;

    public Metadata Admin { get; private set; } = null!;

    public static async Task<RunningSystem> StartAsync(BenchOptions options)
    {
        var root = RepositoryRoot();
        var localRun = Path.Combine(root, "deploy", "local", "ServiceDesk.LocalRun", "bin", "Release", "net10.0", "ServiceDesk.LocalRun.dll");
        var process = PinnedProcess.Start(
            options.ServerCores, localRun, ["--data-dir", options.DataDirectory, "--base-port", options.BasePort.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        string? redis = null;
        string? passwordFile = null;
        using var timeout = new CancellationTokenSource(StartTimeout);
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.TrimStart().StartsWith("Redis ", StringComparison.Ordinal))
            {
                // "Redis  127.0.0.1:PORT   (password in FILE)"
                redis = line.Trim()["Redis".Length..].Trim().Split(' ')[0];
                const string PasswordIn = "(password in ";
                var password = line.IndexOf(PasswordIn, StringComparison.Ordinal);
                passwordFile = password < 0 ? null : line[(password + PasswordIn.Length)..].TrimEnd(')');
            }

            if (line.StartsWith("Press Ctrl-C", StringComparison.Ordinal))
            {
                break;
            }
        }

        if (redis is null || passwordFile is null || process.HasExited)
        {
            throw new InvalidOperationException($"The local run did not start; see the logs in {options.DataDirectory}/logs.");
        }

        Environment.SetEnvironmentVariable(BenchRedis.PasswordVariable, (await File.ReadAllTextAsync(passwordFile)).Trim());
        // Keep reading its output, or it blocks on a full pipe.
        _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var system = new RunningSystem(process, redis);
        await system.SignInAsync(options);
        return system;
    }

    private async Task SignInAsync(BenchOptions options)
    {
        var lines = await File.ReadAllLinesAsync(Path.Combine(options.DataDirectory, "initial-admin.txt"));
        string Value(string key) => lines.First(line => line.StartsWith(key + "=", StringComparison.Ordinal))[(key.Length + 1)..];
        var identity = new IdentityService.IdentityServiceClient(Channel(options.BasePort + 10));
        var signedIn = await identity.SignInAsync(new SignInRequest { Login = Value("login"), Password = Value("password") });
        Admin = new Metadata { { "authorization", $"Bearer {signedIn.AccessToken}" } };
        var directory = Channel(options.BasePort + 20);
        Directory = new DirectoryService.DirectoryServiceClient(directory);
        Erasure = new ErasureService.ErasureServiceClient(directory);
        DirectoryHealth = new Health.HealthClient(directory);
        Ticketing = new TicketingService.TicketingServiceClient(Channel(options.BasePort + 30));
    }

    private GrpcChannel Channel(int port)
    {
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        _channels.Add(channel);
        return channel;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        PinnedProcess.Terminate(_process);
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Microservices.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find Microservices.sln above " + AppContext.BaseDirectory);
    }
}
