using System.Net;
using System.Net.Sockets;
using Grpc.Core;

namespace ServiceDesk.Identity.Throttling;

public static class SourceAddress
{
    public const string ForwardedForHeader = "x-forwarded-for";

    /// <summary>Forwarded entries longer than this are no address a proxy of ours wrote; they count as one source.</summary>
    private const int MaxEntryLength = 64;

    /// <summary>Where a sign-in comes from, as the per-source throttle counts it.</summary>
    public static string Of(ServerCallContext context, int trustedProxyHops) =>
        Resolve(context.GetHttpContext().Connection.RemoteIpAddress, context.RequestHeaders.GetValue(ForwardedForHeader), trustedProxyHops);

    /// <summary>
    /// With no trusted proxy hops, the connection's address; with N, the entry the outermost of those N proxies
    /// appended to <c>x-forwarded-for</c> (the N-th from the right): entries left of it are the client's to write.
    /// IPv6 sources are grouped by their /64, which one subscriber usually holds whole.
    /// </summary>
    public static string Resolve(IPAddress? peer, string? forwardedFor, int trustedProxyHops)
    {
        if (trustedProxyHops > 0 && forwardedFor is { Length: > 0 })
        {
            var entries = forwardedFor.Split(',', StringSplitOptions.TrimEntries);
            var entry = entries[Math.Max(0, entries.Length - trustedProxyHops)];
            if (IPEndPoint.TryParse(entry, out var endpoint))
            {
                return Group(endpoint.Address);
            }

            return entry.Length > MaxEntryLength ? entry[..MaxEntryLength] : entry;
        }

        return peer is null ? "unknown" : Group(peer);
    }

    private static string Group(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
