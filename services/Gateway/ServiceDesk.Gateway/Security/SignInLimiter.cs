using System.Threading.RateLimiting;
using ServiceDesk.Gateway.Sessions;

namespace ServiceDesk.Gateway.Security;

/// <summary>
/// Each client's budget of sign-ins and token refreshes (<see cref="GatewayOptions.SignInsPerMinute"/>). The sign-in
/// routes take a permit from it, and so does every refresh of a cookie session the gateway asks Identity for: the
/// cookie is the client's to write, and one holding a random refresh token would otherwise cost an Identity call with
/// every request, at the rate of all API requests.
/// </summary>
public sealed class SignInLimiter(GatewayOptions options) : IDisposable
{
    private readonly PartitionedRateLimiter<HttpContext> _limiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
        RateLimitPartition.GetFixedWindowLimiter(ClientAddress.GroupOf(http, options.TrustedProxyHops), _ => GatewayRateLimits.PerMinute(options.SignInsPerMinute)));

    /// <summary>A permit for one sign-in or refresh of the request's client, or how long until the next one.</summary>
    public bool TryAcquire(HttpContext http, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(http);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
