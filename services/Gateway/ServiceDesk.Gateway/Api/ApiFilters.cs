using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using ServiceDesk.Gateway.Problems;
using ServiceDesk.Gateway.Security;
using ServiceDesk.Gateway.Sessions;

namespace ServiceDesk.Gateway.Api;

internal static class ApiFilters
{
    /// <summary>
    /// A backend's refusal becomes the matching problem response instead of a 500, and so does a cookie session's
    /// refresh the gateway would not start (over the client's limit: 429, as the sign-in routes answer).
    /// </summary>
    public static RouteGroupBuilder MapsBackendErrors(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (RpcException exception)
            {
                return GrpcProblems.ToProblem(exception, context.HttpContext);
            }
            catch (RefreshNotStartedException refusal)
            {
                return GatewayRateLimits.Refusal(context.HttpContext, refusal.Problem, refusal.RetryAfter);
            }
        });

    /// <summary>
    /// Unsafe requests of a cookie session must echo the CSRF cookie in <see cref="SessionCookies.CsrfHeader"/>;
    /// bearer clients send no cookie a browser would attach on its own, so they need none.
    /// </summary>
    public static RouteGroupBuilder RequiresCsrfTokenForCookieSessions(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var safe = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) || HttpMethods.IsOptions(http.Request.Method);
            var tokens = http.RequestServices.GetRequiredService<SessionTokens>();
            var cookies = http.RequestServices.GetRequiredService<SessionCookies>();
            if (!safe && tokens.UsesCookieSession(http) && !cookies.HasValidCsrfToken(http.Request))
            {
                return Results.Problem(new ProblemDetails
                {
                    Status = StatusCodes.Status403Forbidden,
                    Title = "Missing or wrong CSRF token",
                    Detail = $"A signed-in browser session must send the value of its CSRF cookie in the {SessionCookies.CsrfHeader} header.",
                    Extensions = { ["code"] = "CSRF_TOKEN_INVALID" },
                });
            }

            return await next(context);
        });
}
