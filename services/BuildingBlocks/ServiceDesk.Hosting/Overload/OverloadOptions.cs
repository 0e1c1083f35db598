namespace ServiceDesk.Hosting.Overload;

/// <summary>
/// Configuration section <c>Overload</c>: how many calls one replica serves at once before it answers
/// <c>RESOURCE_EXHAUSTED</c> with <c>RetryInfo</c> instead of queueing without bound.
/// </summary>
public sealed class OverloadOptions
{
    public const string Section = "Overload";

    /// <summary>Calls served at once (health checks and reflection not counted).</summary>
    public int MaxConcurrentCalls { get; set; } = 64;

    /// <summary>Calls waiting, oldest first, for one being served to end; one more is refused at once.</summary>
    public int QueueLimit { get; set; } = 128;

    /// <summary>The <c>RetryInfo</c> delay of a refused call (the gateway's <c>Retry-After</c>).</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>gRPC health Watch streams open at once; one more is refused (health is otherwise not limited).</summary>
    public int MaxHealthWatches { get; set; } = 100;

    public void Validate()
    {
        if (MaxConcurrentCalls < 1 || QueueLimit < 0 || RetryAfter <= TimeSpan.Zero || MaxHealthWatches < 1)
        {
            throw new InvalidOperationException(
                "Overload:MaxConcurrentCalls and Overload:MaxHealthWatches must be at least 1, Overload:QueueLimit at least 0 and Overload:RetryAfter positive.");
        }
    }
}
