using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ServiceDesk.Directory.PickerBench;

/// <summary>A .NET program started pinned to one core (<c>taskset</c>), its output in a log file, killed on dispose.</summary>
internal sealed class BenchProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private BenchProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
    }

    public static BenchProcess Start(string assembly, int core, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string logFile)
    {
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"{assembly} is missing: build it in Release first (bench/picker/run.sh does).");
        }

        var start = new ProcessStartInfo("taskset")
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-c", core.ToString(CultureInfo.InvariantCulture), "dotnet", assembly, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{assembly} did not start.");
        process.OutputDataReceived += (_, line) => Write(log, line.Data);
        process.ErrorDataReceived += (_, line) => Write(log, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new BenchProcess(process, log);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>User + system CPU time the process has used so far (utime + stime from /proc): unlike latencies and rates, it does not depend on what else the machine runs.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Pins every thread of this process (the load generator) to <paramref name="core"/>.</summary>
    public static void PinThisProcess(int core)
    {
        using var taskset = Process.Start("taskset", ["-a", "-cp", core.ToString(CultureInfo.InvariantCulture), Environment.ProcessId.ToString(CultureInfo.InvariantCulture)]);
        taskset.WaitForExit();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        await _log.DisposeAsync();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }
}
