using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;

namespace ServiceDesk.Testing;

/// <summary>
/// A real SMTP server: Debian's aiosmtpd (package python3-aiosmtpd) on a free 127.0.0.1 port, keeping every
/// message it accepts in a Maildir. It can be stopped and started again on the same port and Maildir. Started means
/// greeted by aiosmtpd: while it was stopped, another process may have taken its port.
/// </summary>
public sealed class SmtpServer : IAsyncDisposable
{
    // Debian's interpreter: the package installs the module for it, not for another python3 on the PATH.
    private static readonly string Python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    private Process? _process;

    private SmtpServer(int port, string maildir)
    {
        Port = port;
        Maildir = maildir;
    }

    public int Port { get; }

    public string Maildir { get; }

    public static async Task<SmtpServer> StartAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var server = new SmtpServer(port, Path.Combine(TestDirectory.Create("smtp"), "maildir"));
        await server.StartAgainAsync();
        return server;
    }

    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(Python)
        {
            ArgumentList = { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", "-c", "aiosmtpd.handlers.Mailbox", Maildir },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _process = Process.Start(start) ?? throw new InvalidOperationException("aiosmtpd did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, line) => errors.Enqueue(line.Data ?? string.Empty);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Eventually.WaitForAsync(GreetsAsync, greets => greets || _process.HasExited, $"aiosmtpd to greet on port {Port}");
        if (_process.HasExited)
        {
            await _process.WaitForExitAsync();
            throw new InvalidOperationException(
                $"aiosmtpd exited with code {_process.ExitCode} ({string.Join(" | ", errors.TakeLast(3))}); is python3-aiosmtpd installed "
                + "(deploy/local/prerequisites.sh), or did another process take the port while it was stopped?");
        }
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Every message received so far.</summary>
    public IReadOnlyList<MimeMessage> Messages() =>
        [.. new[] { "new", "cur" }.Select(folder => Path.Combine(Maildir, folder)).Where(System.IO.Directory.Exists)
            .SelectMany(System.IO.Directory.EnumerateFiles).Select(file => MimeMessage.Load(file))];

    public IReadOnlyList<MimeMessage> MessagesTo(string address) =>
        [.. Messages().Where(message => message.To.Mailboxes.Any(mailbox => string.Equals(mailbox.Address, address, StringComparison.OrdinalIgnoreCase)))];

    public ValueTask DisposeAsync() => new(StopAsync());

    /// <summary>
    /// Whether what answers on the port greets as aiosmtpd does: a listener of another process that took the port (which
    /// accepts, and never greets) would otherwise pass for it, and every letter would hang there until its timeout.
    /// </summary>
    private async Task<bool> GreetsAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.ConnectAsync(IPAddress.Loopback, Port, deadline.Token);
            using var reader = new StreamReader(client.GetStream());
            var greeting = await reader.ReadLineAsync(deadline.Token);
            return greeting?.StartsWith("220 ", StringComparison.Ordinal) == true && greeting.Contains("Python SMTP", StringComparison.Ordinal);
        }
        catch (Exception exception) when (exception is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }
}
