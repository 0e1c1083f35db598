using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace ServiceDesk.LocalRun;

/// <summary>One service running as a child process from its build output, logging to a file.</summary>
public sealed partial class LocalService(string name, string project, int grpcPort, int httpPort) : IAsyncDisposable
{
    private const int SigTerm = 15;

    /// <summary>32 MB, in hexadecimal as the runtime reads it; the Dockerfile sets the same.</summary>
    private const string Gen0Budget = "0x2000000";
    private Process? _process;
    private StreamWriter? _log;

    public string Name { get; } = name;

    public int GrpcPort { get; } = grpcPort;

    public int HttpPort { get; } = httpPort;

    public string? LogFile { get; private set; }

    public bool HasExited => _process is null || _process.HasExited;

    public int? ExitCode => _process is { HasExited: true } process ? process.ExitCode : null;

    public IEnumerable<(string Purpose, int Port)> Ports => [($"{Name} gRPC", GrpcPort), ($"{Name} HTTP", HttpPort)];

    public void Start(LocalRunOptions options, IReadOnlyDictionary<string, string> environment)
    {
        var assembly = Path.Combine(options.RepositoryRoot, "services", project, $"ServiceDesk.{project}", "bin", options.Configuration, "net10.0", $"ServiceDesk.{project}.dll");
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"{assembly} is missing; build the solution first (dotnet build Microservices.sln -c {options.Configuration}).");
        }

        var logs = Path.Combine(options.DataDirectory, "logs");
        Directory.CreateDirectory(logs);
        LogFile = Path.Combine(logs, $"{Name}.log");
        _log = new StreamWriter(LogFile, append: true) { AutoFlush = true };

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        start.Environment["Endpoints__BindAddress"] = "127.0.0.1";
        start.Environment["Endpoints__GrpcPort"] = GrpcPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["Endpoints__HttpPort"] = HttpPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["Storage__DataDirectory"] = options.DataDirectory;
        // The smallest first-generation budget (README, "Runtime settings"): an environment variable only, the runtime
        // reads no configuration file for it. A value the caller's environment already has is kept.
        start.Environment["DOTNET_GCgen0size"] = Environment.GetEnvironmentVariable("DOTNET_GCgen0size") ?? Gen0Budget;
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException($"{Name} did not start.");
        _process.OutputDataReceived += (_, line) => WriteLog(line.Data);
        _process.ErrorDataReceived += (_, line) => WriteLog(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public async Task<bool> IsServingAsync(CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}");
        try
        {
            var reply = await new Health.HealthClient(channel).CheckAsync(
                new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: cancellationToken);
            return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving;
        }
        catch (Grpc.Core.RpcException)
        {
            return false;
        }
    }

    /// <summary>Whether the service's health report (<c>/healthz</c>) finds every dependency healthy, not only serving.</summary>
    public async Task<bool> ReportsHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            using var report = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{HttpPort}/healthz", cancellationToken));
            return report.RootElement.TryGetProperty("status", out var status) && status.GetString() == "Healthy";
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>SIGTERM, as Kubernetes would send it; SIGKILL if the service has not stopped after the grace period.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        _ = Kill(process.Id, SigTerm);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _process?.Dispose();
        if (_log is not null)
        {
            await _log.DisposeAsync();
        }
    }

    private void WriteLog(string? line)
    {
        if (line is not null)
        {
            lock (_log!)
            {
                _log.WriteLine(line);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
