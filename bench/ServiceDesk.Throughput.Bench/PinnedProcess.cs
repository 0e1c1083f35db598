using System.Diagnostics;

namespace ServiceDesk.Throughput.Bench;

/// <summary>A child process pinned to some cores with taskset (which execs, so the pid is the program's own).</summary>
public static class PinnedProcess
{
    /// <summary>
    /// The runtime counts a method's calls for promotion only after 100 ms without a new method compiled at tier 0.
    /// Notification kept compiling a few new ones now and then, so its hot methods stayed unoptimised for some 200–300
    /// removals and were then recompiled all at once (about 1,100 methods); a warm-up that stopped before that (its
    /// rounds no longer getting cheaper) measured the burst, 18% of Notification's samples in one profile
    /// (bench/RESULTS.md, throughput "Fourteenth round"). Without the delay a method is promoted after its first 30
    /// calls, and a warm-up ends in the steady state a long-running process serves in. For every process the bench
    /// starts: the local run, so every service, and the baselines (<see cref="RawInsertLoop"/>, the subscribers).
    /// </summary>
    private const string PromotionDelay = "DOTNET_TC_CallCountingDelayMs";

    public static Process Start(string cores, string dll, IEnumerable<string> arguments, bool redirectInput = false)
    {
        var start = new ProcessStartInfo("taskset")
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
            Environment = { [PromotionDelay] = "0" },
        };
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
