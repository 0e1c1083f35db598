using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ServiceDesk.LocalRedis;

/// <summary>
/// Ports for local processes that must be known before they run (Redis, services that know each other's addresses;
/// the local run and the tests). They are taken below the
/// kernel's ephemeral range: a port the OS hands out for port 0 or an outgoing connection (other tests running meanwhile,
/// their Redis and gRPC clients) comes from that range, and could take a port picked there before the service binds it.
/// </summary>
public static class FreePorts
{
    private const string EphemeralPortRange = "/proc/sys/net/ipv4/ip_local_port_range";
    private const int LowestPort = 10_000;

    /// <summary>A port free on 127.0.0.1 now, outside the ephemeral range.</summary>
    public static int Next() => Range(1);

    /// <summary>The first of <paramref name="count"/> consecutive ports all free on 127.0.0.1 now, outside the ephemeral range.</summary>
    public static int Range(int count)
    {
        var highest = Math.Max(LowestPort + 1, EphemeralStart() - count);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var candidate = Random.Shared.Next(LowestPort, highest);
            if (Enumerable.Range(candidate, count).All(IsFree))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"No {count} consecutive free ports found below the ephemeral range.");
    }

    private static int EphemeralStart() =>
        File.Exists(EphemeralPortRange)
        && int.TryParse(File.ReadAllText(EphemeralPortRange).Split('\t', ' ')[0], CultureInfo.InvariantCulture, out var start)
            ? start
            : 32_768;

    /// <summary>Whether nothing listens on <paramref name="port"/> of 127.0.0.1 now.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
