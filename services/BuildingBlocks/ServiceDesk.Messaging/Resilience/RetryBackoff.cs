namespace ServiceDesk.Messaging.Resilience;

/// <summary>
/// Exponential back-off with jitter for a loop whose round failed: 200 ms doubling up to 30 s, each delay
/// drawn between half and all of that step, so replicas failing together do not retry together.
/// </summary>
public sealed class RetryBackoff
{
    public static readonly TimeSpan First = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    private TimeSpan _step = TimeSpan.Zero;

    public TimeSpan Next()
    {
        _step = _step == TimeSpan.Zero ? First : TimeSpan.FromTicks(Math.Min(_step.Ticks * 2, Max.Ticks));
        return TimeSpan.FromTicks(_step.Ticks / 2 + Random.Shared.NextInt64(_step.Ticks / 2 + 1));
    }

    public void Reset() => _step = TimeSpan.Zero;
}
