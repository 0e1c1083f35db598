using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ServiceDesk.Identity.Tests;

/// <summary>
/// A TCP relay to a real endpoint that can turn into a black hole: from then on it accepts connections and
/// never answers on them (what an unreachable host behind a dropping firewall looks like), and cuts the relayed ones.
/// </summary>
public sealed class BlackHoleRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<TcpClient> _connections = [];
    private readonly Task _accepting;
    private volatile bool _blackHole;
    private int _swallowed;

    public BlackHoleRelay(Uri target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>Connections accepted since the relay became a black hole.</summary>
    public int Swallowed => Volatile.Read(ref _swallowed);

    public void BecomeBlackHole()
    {
        _blackHole = true;
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _connections.Add(client);
            if (_blackHole)
            {
                Interlocked.Increment(ref _swallowed);
            }
            else
            {
                _ = RelayAsync(client);
            }
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(_target.Host, _target.Port, _stop.Token);
            var downstream = client.GetStream();
            var up = upstream.GetStream();
            await Task.WhenAny(downstream.CopyToAsync(up, _stop.Token), up.CopyToAsync(downstream, _stop.Token));
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The relayed connection ends with either side.
        }
        finally
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }

        _stop.Dispose();
    }
}
