namespace ServiceDesk.Directory;

internal static class TimeProviderExtensions
{
    /// <summary>Now, to the millisecond: both stores keep milliseconds, so what a call returns is what a later read returns.</summary>
    public static DateTimeOffset Now(this TimeProvider time)
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
    }
}
