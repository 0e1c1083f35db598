using System.Threading.RateLimiting;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Hosting.Overload;

namespace ServiceDesk.Hosting.HealthChecks;

/// <summary>
/// At most <see cref="OverloadOptions.MaxHealthWatches"/> health Watch streams open at once in this replica. A Watch
/// needs no token, is not counted by the overload limit and stays open until its caller ends it, so without a bound
/// anyone could hold as many as they liked. Probes use Check, which is not bounded.
/// </summary>
internal sealed class HealthWatchLimit(OverloadOptions options) : IDisposable
{
    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions { PermitLimit = options.MaxHealthWatches, QueueLimit = 0 });

    /// <summary>A lease to hold while the stream is open; <see cref="RateLimitedException"/> when as many are open as the bound allows.</summary>
    public RateLimitLease Acquire()
    {
        var lease = _limiter.AttemptAcquire();
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        throw new RateLimitedException("This replica has as many health Watch streams open as it allows; use Check, or retry after the delay in RetryInfo.", options.RetryAfter);
    }

    public void Dispose() => _limiter.Dispose();
}
