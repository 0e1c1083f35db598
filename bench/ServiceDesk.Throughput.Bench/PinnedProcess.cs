using System.Diagnostics;

namespace ServiceDesk.Throughput.Bench;

/// <summary>A child process pinned to some cores with taskset (which execs, so the pid is the program's own).</summary>
public static class PinnedProcess
{
    public static Process Start(string cores, string dll, IEnumerable<string> arguments, bool redirectInput = false, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("taskset")
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        foreach (var argument in (string[])["-c", cores, "dotnet", dll, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"{dll} did not start");
    }

    /// <summary>Runs this bench's own sub-command on <paramref name="cores"/> and answers its last output line.</summary>
    public static async Task<string> RunSelfAsync(string cores, params string[] arguments)
    {
        using var process = Start(cores, typeof(PinnedProcess).Assembly.Location, arguments);
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? output.TrimEnd().Split('\n')[^1]
            : throw new InvalidOperationException($"{string.Join(' ', arguments)} exited with {process.ExitCode}: {output}");
    }

    /// <summary>SIGTERM, which the local run answers by stopping every service it started.</summary>
    public static void Terminate(Process process)
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}
