using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ServiceDesk.LocalRedis;

/// <summary>
/// A real redis-server on 127.0.0.1 with append-only persistence in a data directory, owned by this process.
/// Stopping it with <see cref="StopAsync"/> flushes the AOF; starting it again on the same directory and
/// port brings every acknowledged write back. With a password, every client must authenticate: the password reaches
/// redis-server through its standard input, never its command line, which any user of the machine can read.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private const int PickedPortAttempts = 5;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private Process? _process;

    private readonly string? _password;

    private RedisServer(string dataDirectory, int port, string? password) => (DataDirectory, Port, _password) = (dataDirectory, port, password);

    public string DataDirectory { get; }

    public int Port { get; }

    /// <summary>Host and port.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>StackExchange.Redis configuration string for this server, with its password if it has one.</summary>
    public string Configuration => _password is null ? Endpoint : $"{Endpoint},password={_password}";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a server; port 0 picks a free one (<see cref="FreePorts"/>); a password (no spaces) makes clients authenticate.</summary>
    public static async Task<RedisServer> StartAsync(string dataDirectory, int port = 0, string? password = null, CancellationToken cancellationToken = default)
    {
        // It goes into a configuration line and an inline command, where whitespace would end it.
        if (password is not null && (password.Length == 0 || password.Any(char.IsWhiteSpace)))
        {
            throw new ArgumentException("A Redis password must be non-empty and hold no whitespace.", nameof(password));
        }

        Directory.CreateDirectory(dataDirectory);
        for (var attempt = 1; ; attempt++)
        {
            var server = new RedisServer(Path.GetFullPath(dataDirectory), port == 0 ? FreePorts.Next() : port, password);
            try
            {
                await server.StartAsync(cancellationToken);
                return server;
            }
            catch (InvalidOperationException) when (port == 0 && attempt < PickedPortAttempts && !FreePorts.IsFree(server.Port))
            {
                // Another process bound the picked port before redis-server did: pick another.
                await server.DisposeAsync();
            }
            catch
            {
                // Not left running without an owner: a server still starting when cancelled, or not answering.
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Starts the stopped server again on the same port and data directory.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            return;
        }

        var executable = FindExecutable() ?? throw new InvalidOperationException(
            "redis-server was not found on PATH. Install it (Debian: apt-get install -y redis-server) or point REDIS_URL at a server.");
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = _password is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (_password is not null)
        {
            // The rest of the configuration (the password) is read from standard input.
            start.ArgumentList.Add("-");
        }

        foreach (var argument in new[]
                 {
                     "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--dir", DataDirectory, "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
                     // A cap that refuses writes (the outbox and the consumers retry them) rather than evict a stream.
                     "--maxmemory", "512mb", "--maxmemory-policy", "noeviction",
                     "--daemonize", "no", "--logfile", Path.Combine(DataDirectory, "redis.log"),
                 })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        if (_password is not null)
        {
            await _process.StandardInput.WriteLineAsync($"requirepass {_password}".AsMemory(), cancellationToken);
            _process.StandardInput.Close();
        }

        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StartTimeout);
        try
        {
            // Whether it exited first: one that could not bind the port leaves it to whoever holds it, who must not be sent
            // the password; nor, while it is still starting, may whoever bound the port before it.
            while (!_process.HasExited)
            {
                if (ListensOnPort(_process) && await TryPingAsync(deadline.Token))
                {
                    return;
                }

                await Task.Delay(50, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException(
                $"redis-server did not answer on port {Port} within {StartTimeout.TotalSeconds:F0}s"
                + (ListensOnPort(_process) ? string.Empty : " (no listener of its own was seen on the port)")
                + $"; see {Path.Combine(DataDirectory, "redis.log")}.");
        }

        throw new InvalidOperationException(
            $"redis-server exited with code {_process.ExitCode} on port {Port}; see {Path.Combine(DataDirectory, "redis.log")}.");
    }

    /// <summary>Shuts the server down cleanly (the AOF is flushed), as an operator's restart would.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        try
        {
            await SendAsync("SHUTDOWN\r\n", cancellationToken);
        }
        catch (Exception exception) when (exception is SocketException or IOException)
        {
            // The server closes the connection as it goes away.
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill();
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
    }

    private async Task<bool> TryPingAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await SendAsync("PING\r\n", cancellationToken)).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception exception) when (exception is SocketException or IOException)
        {
            return false;
        }
    }

    /// <summary>Sends one inline command (after <c>AUTH</c> when there is a password) and answers its one-line reply.</summary>
    private async Task<string> SendAsync(string command, CancellationToken cancellationToken)
    {
        var replies = _password is null
            ? await SendInlineAsync(Port, command, 1, cancellationToken)
            : await SendInlineAsync(Port, $"AUTH {_password}\r\n{command}", 2, cancellationToken);
        return replies.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? string.Empty;
    }

    /// <summary>
    /// Sends inline commands to the Redis on 127.0.0.1:<paramref name="port"/> and answers the replies as received, up to
    /// <paramref name="replies"/> one-line replies (fewer when the server closes the connection, as after <c>SHUTDOWN</c>).
    /// </summary>
    public static async Task<string> SendInlineAsync(int port, string commands, int replies, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(commands), cancellationToken);
        var received = new StringBuilder();
        var buffer = new byte[256];
        for (var lines = 0; lines < replies;)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }

            var text = Encoding.ASCII.GetString(buffer, 0, read);
            received.Append(text);
            lines += text.Count(character => character == '\n');
        }

        return received.ToString();
    }

    /// <summary>
    /// Whether the socket listening on 127.0.0.1:<see cref="Port"/> is <paramref name="process"/>'s own, from Linux's
    /// /proc: another local user may have bound the port between the check that it was free and redis-server's bind,
    /// and the first PING carries the password. Where there is no /proc/net/tcp to read (not Linux) it cannot tell, and
    /// answers true: the local run is made for Debian.
    /// </summary>
    private bool ListensOnPort(Process process)
    {
        const string Table = "/proc/net/tcp";
        if (!File.Exists(Table))
        {
            return true;
        }

        // "sl local_address rem_address st ... inode": 127.0.0.1 in the kernel's byte order, the port in hex, state 0A (listening).
        var local = $"0100007F:{Port:X4}";
        var sockets = File.ReadLines(Table).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length > 9 && fields[1] == local && fields[3] == "0A")
            .Select(fields => $"socket:[{fields[9]}]")
            .ToHashSet(StringComparer.Ordinal);
        if (sockets.Count == 0)
        {
            return false;
        }

        try
        {
            return Directory.EnumerateFiles($"/proc/{process.Id}/fd").Any(descriptor => new FileInfo(descriptor).LinkTarget is { } target && sockets.Contains(target));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Gone meanwhile: the loop sees it exit.
            return false;
        }
    }

    private static string? FindExecutable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Append("/usr/bin").Append("/usr/local/bin")
        .Select(directory => Path.Combine(directory, "redis-server"))
        .FirstOrDefault(File.Exists);
}
