using System.Net;
using ServiceDesk.Gateway.Sessions;
using ServiceDesk.Hosting.Throttling;

namespace ServiceDesk.Gateway.Security;

/// <summary>
/// Who the client is, for the rate limits and for Identity's sign-in throttling. Exposed directly, the connection's
/// address. Behind <see cref="GatewayOptions.TrustedProxyHops"/> proxies (an Ingress), the entry the outermost of them
/// appended to <c>X-Forwarded-For</c>, the N-th from the right: entries left of it are the client's own to write, and
/// the connection's address is the proxy's, shared by every client.
/// </summary>
internal static class ClientAddress
{
    private const string ForwardedFor = "X-Forwarded-For";

    private const string Unknown = "unknown";

    /// <summary>The address itself, as forwarded to Identity (which groups it as <see cref="GroupOf"/> does).</summary>
    public static string Of(HttpContext http, int trustedProxyHops) => AddressOf(http, trustedProxyHops)?.ToString() ?? Unknown;

    /// <summary>The client as the rate limits count it: an IPv6 address's /64 (<see cref="AddressGroup"/>).</summary>
    public static string GroupOf(HttpContext http, int trustedProxyHops) =>
        AddressOf(http, trustedProxyHops) is { } address ? AddressGroup.Of(address) : Unknown;

    private static IPAddress? AddressOf(HttpContext http, int trustedProxyHops)
    {
        if (trustedProxyHops > 0)
        {
            var entries = http.Request.Headers[ForwardedFor].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            // Fewer entries than proxies: the request did not come through all of them; the connection is all there is.
            if (entries.Length >= trustedProxyHops && IPEndPoint.TryParse(entries[^trustedProxyHops], out var endpoint))
            {
                return endpoint.Address;
            }
        }

        return http.Connection.RemoteIpAddress;
    }
}
