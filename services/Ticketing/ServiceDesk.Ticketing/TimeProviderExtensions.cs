namespace ServiceDesk.Ticketing;

internal static class TimeProviderExtensions
{
    /// <summary>Now in whole milliseconds, what both stores keep: a call answers what a later read answers.</summary>
    public static DateTimeOffset Now(this TimeProvider time) => DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
}
