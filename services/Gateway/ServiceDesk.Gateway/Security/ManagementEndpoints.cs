using ServiceDesk.Gateway.Sessions;

namespace ServiceDesk.Gateway.Security;

/// <summary>
/// Behind a trusted proxy (<see cref="GatewayOptions.TrustedProxyHops"/>), the health reports, metrics and gRPC
/// endpoints are for the cluster (probes, Prometheus), which calls the pod directly: a request the proxy forwarded
/// (it carries <c>X-Forwarded-For</c>) to one of them is answered 404, as a path the gateway does not have. The health
/// report names each backend's state, and every report costs four backend calls.
/// </summary>
internal static class ManagementEndpoints
{
    private static readonly PathString[] Paths = ["/healthz", "/livez", "/metrics"];

    public static IApplicationBuilder UseManagementEndpointsForDirectCallersOnly(this IApplicationBuilder app, GatewayOptions options) =>
        options.TrustedProxyHops == 0
            ? app
            : app.Use(async (http, next) =>
            {
                if (http.Request.Headers.ContainsKey("X-Forwarded-For") && IsManagement(http.Request))
                {
                    http.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }

                await next(http);
            });

    private static bool IsManagement(HttpRequest request) =>
        Paths.Any(path => request.Path.StartsWithSegments(path)) || request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true;
}
