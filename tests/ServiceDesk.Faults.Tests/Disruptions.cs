using System.Diagnostics;

namespace ServiceDesk.Faults.Tests;

/// <summary>
/// When the test itself made a service (or Redis) unavailable: from just before the kill until the restarted
/// process listens again, plus <see cref="Grace"/> for a client's channel to reconnect (its back-off after failed
/// connection attempts grows up to the load channels' MaxReconnectBackoff, 2 s).
/// </summary>
public sealed class Disruptions
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<(string Target, TimeSpan Begin, TimeSpan? End)> _windows = [];

    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Records the disruption of <paramref name="target"/> while <paramref name="fault"/> runs (the kill through the restart).</summary>
    public async Task DuringAsync(string target, Func<Task> fault)
    {
        int index;
        lock (_windows)
        {
            index = _windows.Count;
            _windows.Add((target, Now, null));
        }

        try
        {
            await fault();
        }
        finally
        {
            lock (_windows)
            {
                _windows[index] = _windows[index] with { End = Now };
            }
        }
    }

    /// <summary>The disruption of one of <paramref name="targets"/> that overlapped [from, to], if any.</summary>
    public string? Overlapping(IReadOnlyCollection<string> targets, TimeSpan from, TimeSpan to)
    {
        lock (_windows)
        {
            var window = _windows.FirstOrDefault(w => targets.Contains(w.Target) && w.Begin <= to && (w.End is not { } end || end + Grace >= from));
            return window.Target is null ? null : $"{window.Target} down from +{window.Begin.TotalSeconds:F1}s";
        }
    }
}
