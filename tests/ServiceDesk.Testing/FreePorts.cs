using System.Net;
using System.Net.Sockets;

namespace ServiceDesk.Testing;

/// <summary>Ports to give services that must know each other's addresses before any of them runs.</summary>
public static class FreePorts
{
    /// <summary>A port free on 127.0.0.1 now (the OS picks it; another process could take it before it is bound).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
