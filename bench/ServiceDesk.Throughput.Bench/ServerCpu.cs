using System.Globalization;

namespace ServiceDesk.Throughput.Bench;

/// <summary>
/// CPU time (user + system, from /proc) of the local run itself (it forwards the services' logs, on the server core) and
/// of each process it started: Redis and the services. Per operation, it says where the time goes independently of what
/// else the machine runs meanwhile.
/// </summary>
public sealed class ServerCpu(int localRunPid)
{
    private const double TicksPerSecond = 100;

    public IReadOnlyDictionary<string, double> Seconds()
    {
        var seconds = new Dictionary<string, double>();
        foreach (var directory in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (pid != localRunPid && int.Parse(fields[1], CultureInfo.InvariantCulture) != localRunPid)
                {
                    continue;
                }

                var command = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0');
                var name = pid == localRunPid
                    ? "local-run"
                    : (command.FirstOrDefault(part => part.EndsWith(".dll", StringComparison.Ordinal)) is { } dll
                        ? Path.GetFileNameWithoutExtension(dll).Replace("ServiceDesk.", string.Empty, StringComparison.Ordinal).ToLowerInvariant()
                        : Path.GetFileName(command[0]));
                seconds[name] = seconds.GetValueOrDefault(name)
                    + (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
            }
            catch (IOException)
            {
                // The process ended meanwhile.
            }
        }

        return seconds;
    }

    /// <summary>
    /// Waits, at most <paramref name="timeout"/>, for a second in which the server processes together used less than
    /// <paramref name="share"/> of a core (the services still working off earlier load, e.g. Notification's letters
    /// after the CreateTicket run, delay every process woken on the same core by milliseconds); answers that second's figures.
    /// </summary>
    public async Task<string> WaitUntilQuietAsync(double share, TimeSpan timeout)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var before = Seconds();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(1));
            var busy = Busy(before, clock.Elapsed);
            if (busy.Values.Sum() < share || waited.Elapsed > timeout)
            {
                return string.Create(CultureInfo.InvariantCulture, $"server busy {busy.Values.Sum():P1} of a core after waiting {waited.Elapsed.TotalSeconds:F0} s (")
                    + string.Join(", ", busy.OrderBy(process => process.Key).Select(process => string.Create(CultureInfo.InvariantCulture, $"{process.Key} {process.Value:P1}"))) + ")";
            }
        }
    }

    /// <summary>The share of a core each process used since <paramref name="before"/>, <paramref name="elapsed"/> ago.</summary>
    public Dictionary<string, double> Busy(IReadOnlyDictionary<string, double> before, TimeSpan elapsed) =>
        Seconds().ToDictionary(process => process.Key, process => (process.Value - before.GetValueOrDefault(process.Key)) / elapsed.TotalSeconds);

    /// <summary>CPU milliseconds per operation of each process since <paramref name="before"/>.</summary>
    public Dictionary<string, double> MillisecondsPerOperation(IReadOnlyDictionary<string, double> before, int operations) =>
        Seconds().ToDictionary(process => process.Key, process => (process.Value - before.GetValueOrDefault(process.Key)) * 1000 / operations);

    /// <summary>The same, as a line: the sum, then each process.</summary>
    public string PerOperation(IReadOnlyDictionary<string, double> before, int operations)
    {
        var parts = MillisecondsPerOperation(before, operations).OrderBy(process => process.Key).Select(process => (process.Key, Milliseconds: process.Value)).ToList();
        return string.Create(CultureInfo.InvariantCulture, $"server CPU per operation: {parts.Sum(part => part.Milliseconds):F2} ms (")
            + string.Join(", ", parts.Select(part => string.Create(CultureInfo.InvariantCulture, $"{part.Key} {part.Milliseconds:F2}"))) + ")";
    }
}
