using System.Diagnostics;

namespace ServiceDesk.Throughput.Bench;

/// <summary>
/// How much of a file the kernel holds in its page cache. This machine's kernel pages out memory it finds cold
/// (DAMON, action <c>pageout</c>), so a file written minutes ago may have to be read from disk again.
/// </summary>
public static class PageCache
{
    /// <summary>"resident of size" as util-linux's <c>fincore</c> reports them, or why it could not tell.</summary>
    public static async Task<string> ResidentAsync(string file)
    {
        try
        {
            using var fincore = Process.Start(new ProcessStartInfo("fincore", ["--noheadings", "--output", "RES,SIZE", file]) { RedirectStandardOutput = true })!;
            var output = (await fincore.StandardOutput.ReadToEndAsync()).Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            await fincore.WaitForExitAsync();
            return output is [var resident, var size] ? $"{resident} of {size}" : "unknown (fincore answered nothing)";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown (no fincore)";
        }
    }

    /// <summary>Reads the file through once, which brings it into the page cache.</summary>
    public static async Task ReadAsync(string file)
    {
        await using var stream = File.OpenRead(file);
        await stream.CopyToAsync(Stream.Null);
    }
}
