using System.Diagnostics;
using System.Globalization;

namespace ServiceDesk.Throughput.Bench;

public static class Measure
{
    /// <summary>Runs <paramref name="call"/> for indexes 0..count-1 with <paramref name="inFlight"/> calls outstanding; calls per second.</summary>
    public static async Task<double> ClosedLoopAsync(int count, int inFlight, Func<int, Task> call)
    {
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                await call(i);
            }
        }));
        return count / clock.Elapsed.TotalSeconds;
    }

    public static double Percentile(IReadOnlyList<double> sorted, double percentile) =>
        sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static string Summary(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToList();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"n={sorted.Count} p50={Percentile(sorted, 50):F2} ms p99={Percentile(sorted, 99):F2} ms max={sorted[^1]:F2} ms");
    }
}
