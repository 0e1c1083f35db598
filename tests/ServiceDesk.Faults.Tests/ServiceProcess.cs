using System.Diagnostics;
using System.Globalization;
using Grpc.Health.V1;
using Grpc.Net.Client;
using ServiceDesk.Testing;

namespace ServiceDesk.Faults.Tests;

/// <summary>
/// One service as a real child process (<c>dotnet ServiceDesk.X.dll</c>, as its container runs it) on fixed
/// ports and a data directory that outlive the process, so that a kill and a restart are a crashed pod coming
/// back. Its console log is appended to <c>&lt;service&gt;.log</c> in the data directory (the forensic scan reads it).
/// </summary>
public sealed class ServiceProcess(string name, string assemblyName, string dataDirectory, int grpcPort, int httpPort, IReadOnlyDictionary<string, string?> settings) : IAsyncDisposable
{
    private readonly object _gate = new();
    private Process? _process;

    public string Name { get; } = name;

    public string DataDirectory { get; } = dataDirectory;

    public Uri GrpcUri { get; } = new($"http://127.0.0.1:{grpcPort}");

    public Uri HttpUri { get; } = new($"http://127.0.0.1:{httpPort}");

    public int Starts { get; private set; }

    public int Kills { get; private set; }

    /// <summary>The process's working set, sampled while it runs; 0 when it is not running.</summary>
    public long WorkingSetBytes
    {
        get
        {
            lock (_gate)
            {
                if (_process is not { HasExited: false } process)
                {
                    return 0;
                }

                process.Refresh();
                return process.WorkingSet64;
            }
        }
    }

    public static string AssemblyPath(string assemblyName)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var folder = assemblyName.Split('.')[^1];
        return RepositoryFiles.PathOf(Path.Combine("services", folder, assemblyName, "bin", configuration, "net10.0", $"{assemblyName}.dll"));
    }

    /// <summary>
    /// Starts the process and waits until its gRPC health service answers (SERVING, or NOT_SERVING while it catches
    /// up, e.g. re-applying removals after a crash); a process that exits first is started again.
    /// </summary>
    public async Task StartAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        deadline.Token.Register(() => Kill());
        while (!deadline.IsCancellationRequested)
        {
            var process = Launch();
            while (!process.HasExited)
            {
                if (await IsListeningAsync(CancellationToken.None))
                {
                    return;
                }

                await Task.Delay(200, CancellationToken.None);
            }

            // It could not start (e.g. its store was unavailable): a supervisor starts it again.
            await Task.Delay(500, CancellationToken.None);
        }

        throw new TimeoutException($"{Name} did not become healthy within {timeout}; see {Path.Combine(DataDirectory, $"{Name}.log")}.");
    }

    /// <summary>SIGKILL: no shutdown hook runs, nothing is flushed.</summary>
    public void Kill()
    {
        lock (_gate)
        {
            if (_process is { HasExited: false } process)
            {
                process.Kill();
                process.WaitForExit();
                Kills++;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await Task.CompletedTask;
    }

    private Process Launch()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DataDirectory,
            Environment = { ["ASPNETCORE_ENVIRONMENT"] = "Testing", ["DOTNET_gcServer"] = "0" },
        };
        start.ArgumentList.Add(AssemblyPath(assemblyName));
        foreach (var (key, value) in settings.Where(setting => setting.Value is not null))
        {
            start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--{key}={value}"));
        }

        var process = Process.Start(start)!;
        var log = new StreamWriter(Path.Combine(DataDirectory, $"{Name}.log"), append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, line) => Write(log, line.Data);
        process.ErrorDataReceived += (_, line) => Write(log, line.Data);
        process.Exited += (_, _) =>
        {
            // Waits for the last lines (a crash's stack trace comes last), then says how it ended.
            process.WaitForExit();
            Write(log, $"[test harness] {Name} exited with code {process.ExitCode}");
            lock (log)
            {
                log.Dispose();
            }
        };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (_gate)
        {
            _process?.Dispose();
            _process = process;
            Starts++;
        }

        return process;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The last lines of a killed process may arrive after its exit.
            }
        }
    }

    private async Task<bool> IsListeningAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var channel = GrpcChannel.ForAddress(GrpcUri);
            var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: cancellationToken);
            return reply.Status is HealthCheckResponse.Types.ServingStatus.Serving or HealthCheckResponse.Types.ServingStatus.NotServing;
        }
        catch (Grpc.Core.RpcException)
        {
            return false;
        }
    }
}
