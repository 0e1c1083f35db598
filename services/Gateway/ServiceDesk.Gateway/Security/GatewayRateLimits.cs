using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using ServiceDesk.Gateway.Sessions;

namespace ServiceDesk.Gateway.Security;

/// <summary>
/// Per-client limits (a client is its address, an IPv6 one's /64: <see cref="ClientAddress.GroupOf"/>): every API request counts against
/// <see cref="GatewayOptions.RequestsPerMinute"/>, sign-ins and token refreshes also against
/// <see cref="GatewayOptions.SignInsPerMinute"/>. A refused request gets 429 problem+json with <c>Retry-After</c>.
/// </summary>
internal static class GatewayRateLimits
{
    public const string SignInPolicy = "sign-in";

    public static IServiceCollection AddGatewayRateLimits(this IServiceCollection services, GatewayOptions options) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                http.Request.Path.StartsWithSegments("/api")
                    ? RateLimitPartition.GetFixedWindowLimiter(ClientAddress.GroupOf(http, options.TrustedProxyHops), _ => PerMinute(options.RequestsPerMinute))
                    : RateLimitPartition.GetNoLimiter(string.Empty));
            limiter.AddPolicy(
                SignInPolicy, http => RateLimitPartition.GetFixedWindowLimiter(ClientAddress.GroupOf(http, options.TrustedProxyHops), _ => PerMinute(options.SignInsPerMinute)));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                var response = context.HttpContext.Response;
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await Results.Problem(new ProblemDetails
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too many requests",
                    Detail = "This client sent too many requests; try again after the time in Retry-After.",
                    Extensions = { ["code"] = "RATE_LIMITED" },
                }).ExecuteAsync(context.HttpContext);
            };
        });

    private static FixedWindowRateLimiterOptions PerMinute(int permits) => new()
    {
        PermitLimit = permits,
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
    };
}
