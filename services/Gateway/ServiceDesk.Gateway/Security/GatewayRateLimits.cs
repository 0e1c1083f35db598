using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using ServiceDesk.Gateway.Sessions;

namespace ServiceDesk.Gateway.Security;

/// <summary>
/// Per-client limits (a client is its address, an IPv6 one's /64: <see cref="ClientAddress.GroupOf"/>): every API request counts against
/// <see cref="GatewayOptions.RequestsPerMinute"/>, sign-ins and token refreshes also against
/// <see cref="GatewayOptions.SignInsPerMinute"/> (<see cref="SignInLimiter"/>). A refused request gets 429 problem+json with <c>Retry-After</c>.
/// </summary>
internal static class GatewayRateLimits
{
    public static IServiceCollection AddGatewayRateLimits(this IServiceCollection services, GatewayOptions options) =>
        services.AddSingleton<SignInLimiter>().AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                http.Request.Path.StartsWithSegments("/api")
                    ? RateLimitPartition.GetFixedWindowLimiter(ClientAddress.GroupOf(http, options.TrustedProxyHops), _ => PerMinute(options.RequestsPerMinute))
                    : RateLimitPartition.GetNoLimiter(string.Empty));
            limiter.OnRejected = async (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                await Refusal(context.HttpContext, TooManyRequests(), retryAfter).ExecuteAsync(context.HttpContext);
            };
        });

    /// <summary>The sign-in routes take a permit of <see cref="SignInLimiter"/>, which cookie sessions' refreshes share.</summary>
    public static RouteGroupBuilder RequiresSignInPermit(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            return http.RequestServices.GetRequiredService<SignInLimiter>().TryAcquire(http, out var retryAfter)
                ? await next(context)
                : Refusal(http, TooManyRequests(), retryAfter);
        });

    public static ProblemDetails TooManyRequests() => new()
    {
        Status = StatusCodes.Status429TooManyRequests,
        Title = "Too many requests",
        Detail = "This client sent too many requests; try again after the time in Retry-After.",
        Extensions = { ["code"] = "RATE_LIMITED" },
    };

    /// <summary>The problem, with <c>Retry-After</c> in whole seconds (at least 1).</summary>
    public static IResult Refusal(HttpContext http, ProblemDetails problem, TimeSpan retryAfter)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Results.Problem(problem);
    }

    public static FixedWindowRateLimiterOptions PerMinute(int permits) => new()
    {
        PermitLimit = permits,
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
    };
}
