using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ServiceDesk.Hosting.Endpoints;

/// <summary>
/// The endpoints a service listens on. With port 0 Kestrel picks the port at bind time and writes it back
/// into the listen options, so <see cref="Grpc"/> and <see cref="Http"/> are read after start.
/// </summary>
public sealed class BoundEndpoints(IPEndPoint configuredGrpc, IPEndPoint configuredHttp, bool tls)
{
    private ListenOptions? _grpc;
    private ListenOptions? _http;

    public IPEndPoint Grpc => _grpc?.IPEndPoint ?? configuredGrpc;

    public IPEndPoint Http => _http?.IPEndPoint ?? configuredHttp;

    public Uri GrpcUri => ToUri(Grpc);

    public Uri HttpUri => ToUri(Http);

    internal void Record(ListenOptions grpc, ListenOptions http) => (_grpc, _http) = (grpc, http);

    /// <summary>Before start: the first configured fixed port that another process already holds.</summary>
    public (string Name, int Port)? FindPortInUse()
    {
        foreach (var (name, endpoint) in new[] { ("gRPC", configuredGrpc), ("HTTP", configuredHttp) })
        {
            if (endpoint.Port > 0 && !CanBind(endpoint))
            {
                return (name, endpoint.Port);
            }
        }

        return null;
    }

    private static bool CanBind(IPEndPoint endpoint)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endpoint);
            return true;
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return false;
        }
    }

    private Uri ToUri(IPEndPoint endpoint)
    {
        var host = endpoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback : endpoint.Address;
        return new Uri($"{(tls ? "https" : "http")}://{new IPEndPoint(host, endpoint.Port)}");
    }
}
