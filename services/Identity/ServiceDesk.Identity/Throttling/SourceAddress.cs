using System.Net;
using Grpc.Core;
using ServiceDesk.Hosting;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Throttling;

namespace ServiceDesk.Identity.Throttling;

public static class SourceAddress
{
    public const string ForwardedForHeader = "x-forwarded-for";

    /// <summary>Forwarded entries longer than this are no address a proxy of ours wrote; they count as one source.</summary>
    private const int MaxEntryLength = 64;

    /// <summary>
    /// Where a sign-in comes from, as the per-source throttle counts it. <c>x-forwarded-for</c> counts only on a
    /// call the gateway vouches for with its own service token: anyone else who reaches Identity directly could
    /// name a new source on every attempt, or a victim's, and spend that source's attempts.
    /// </summary>
    public static string Of(ServerCallContext context, int trustedProxyHops) =>
        Resolve(
            context.GetHttpContext().Connection.RemoteIpAddress,
            context.FindCaller() is { Role: CallerRole.Service, ServiceName: ServiceNames.Gateway } ? context.RequestHeaders.GetValue(ForwardedForHeader) : null,
            trustedProxyHops);

    /// <summary>
    /// The source of a signed-in account's password check (a password change): the account itself. It can only
    /// try its own password, so no other account's or address's attempts are spent by it, wherever it calls from.
    /// </summary>
    public static string OfAccount(string accountId) => $"account:{accountId}";

    /// <summary>
    /// With no trusted proxy hops, the connection's address; with N, the entry the outermost of those N proxies
    /// appended to <c>x-forwarded-for</c> (the N-th from the right): entries left of it are the client's to write.
    /// IPv6 sources are grouped by their /64 (<see cref="AddressGroup"/>), as the gateway's rate limits group them.
    /// </summary>
    public static string Resolve(IPAddress? peer, string? forwardedFor, int trustedProxyHops)
    {
        if (trustedProxyHops > 0 && forwardedFor is { Length: > 0 })
        {
            var entries = forwardedFor.Split(',', StringSplitOptions.TrimEntries);
            var entry = entries[Math.Max(0, entries.Length - trustedProxyHops)];
            if (IPEndPoint.TryParse(entry, out var endpoint))
            {
                return AddressGroup.Of(endpoint.Address);
            }

            return entry.Length > MaxEntryLength ? entry[..MaxEntryLength] : entry;
        }

        return peer is null ? "unknown" : AddressGroup.Of(peer);
    }
}
