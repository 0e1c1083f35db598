using System.Net;
using System.Net.Sockets;

namespace ServiceDesk.Hosting.Throttling;

/// <summary>
/// What a per-client limit counts as one client: the gateway's rate limits and Identity's sign-in throttling alike.
/// An IPv6 address stands for its /64, which one subscriber usually holds whole (counted per address, every request
/// of theirs could come from a fresh one); an IPv4-mapped IPv6 address for the IPv4 address it carries.
/// </summary>
public static class AddressGroup
{
    public static string Of(IPAddress address)
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
