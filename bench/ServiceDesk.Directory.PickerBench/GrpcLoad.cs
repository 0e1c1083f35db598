using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Google.Protobuf;

namespace ServiceDesk.Directory.PickerBench;

/// <summary>One fixed unary call: the URL, the framed request (5-byte gRPC prefix + protobuf) and the token, if any.</summary>
internal sealed record FixedCall(string Name, string Url, byte[] Body, string? Token)
{
    public static FixedCall Of(string name, string url, IMessage request, string? token)
    {
        var message = request.ToByteArray();
        var body = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1, 4), (uint)message.Length);
        message.CopyTo(body, 5);
        return new FixedCall(name, url, body, token);
    }
}

internal sealed record Answer(string GrpcStatus, byte[] Message);

/// <summary>One-in-flight timings, and the CPU time the server used meanwhile (utime + stime).</summary>
internal sealed record Latency(int Calls, int Failed, double P50, double P90, double P99, double Max, TimeSpan ServerCpu);

/// <summary>h2load's rate, and the server's CPU time per call and share of its core over the measured part (after the warm-up).</summary>
internal sealed record Saturation(double CallsPerSecond, long Succeeded, long Failed, double CpuMicrosecondsPerCall, double ServerCoreShare);

/// <summary>
/// Drives a <see cref="FixedCall"/>: one call at a time over one HTTP/2 connection (per-call latency, every answer's
/// grpc-status checked), and h2load at saturation. h2load counts gRPC errors as successes, so the same bytes are sent
/// once before and once after h2load and their grpc-status checked here.
/// </summary>
internal sealed partial class GrpcLoad(int clientCore, TimeSpan duration, string workDirectory) : IDisposable
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);

    private readonly HttpClient _http = new(new SocketsHttpHandler { EnableMultipleHttp2Connections = false }) { Timeout = TimeSpan.FromSeconds(30) };

    public async Task<Answer> CallAsync(FixedCall call)
    {
        // Cleartext HTTP/2 with prior knowledge, as h2load speaks it.
        using var request = new HttpRequestMessage(HttpMethod.Post, call.Url)
        {
            Content = new ByteArrayContent(call.Body),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (call.Token is not null)
        {
            request.Headers.TryAddWithoutValidation("authorization", $"Bearer {call.Token}");
        }

        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        // A trailers-only answer (an error before any message) carries grpc-status among the headers.
        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var trailing) ? trailing.First()
            : response.Headers.TryGetValues("grpc-status", out var leading) ? leading.First()
            : $"none (HTTP {(int)response.StatusCode})";
        return new Answer(status, body.Length >= 5 ? body[5..] : []);
    }

    public async Task<Latency> OneInFlightAsync(FixedCall call, int warmUp, int calls, Func<TimeSpan> serverCpu)
    {
        for (var i = 0; i < warmUp; i++)
        {
            await CallAsync(call);
        }

        var timings = new double[calls];
        var failed = 0;
        var cpuBefore = serverCpu();
        for (var i = 0; i < calls; i++)
        {
            var clock = Stopwatch.GetTimestamp();
            var answer = await CallAsync(call);
            timings[i] = Stopwatch.GetElapsedTime(clock).TotalMilliseconds;
            failed += answer.GrpcStatus == "0" ? 0 : 1;
        }

        var cpu = serverCpu() - cpuBefore;
        Array.Sort(timings);
        return new Latency(calls, failed, At(timings, 0.50), At(timings, 0.90), At(timings, 0.99), timings[^1], cpu);
    }

    /// <summary>
    /// h2load on the client core: 1 thread, 4 connections × 16 streams, warm-up 2 s, then <c>duration</c> (or
    /// <paramref name="measuredFor"/>, whole seconds, when given). The server's
    /// CPU time is read when the warm-up ends and when h2load does: per call, it is what a call costs the server when
    /// calls queue, the figure a saturation rate follows from when the server's core is its limit; its share of the core
    /// tells whether it was (a rate with the server's core far from full was limited elsewhere, by the client or the machine).
    /// </summary>
    public async Task<Saturation> SaturateAsync(FixedCall call, Func<TimeSpan> serverCpu, TimeSpan? measuredFor = null)
    {
        var bodyFile = Path.Combine(workDirectory, "h2load-body.bin");
        await File.WriteAllBytesAsync(bodyFile, call.Body);
        var start = new ProcessStartInfo("taskset") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] arguments =
        [
            "-c", clientCore.ToString(CultureInfo.InvariantCulture), "h2load",
            "-D", ((int)(measuredFor ?? duration).TotalSeconds).ToString(CultureInfo.InvariantCulture), "--warm-up-time=" + ((int)WarmUp.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            "-t", "1", "-c", "4", "-m", "16",
            "-H", "content-type: application/grpc", "-H", "te: trailers",
            .. call.Token is null ? (string[])[] : ["-H", $"authorization: Bearer {call.Token}"],
            "-d", bodyFile, call.Url,
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var h2load = Process.Start(start) ?? throw new InvalidOperationException("h2load did not start (apt-get install -y nghttp2-client).");
        var reading = h2load.StandardOutput.ReadToEndAsync();
        await Task.Delay(WarmUp);
        var cpuBefore = serverCpu();
        var measured = Stopwatch.StartNew();
        var output = await reading;
        await h2load.WaitForExitAsync();
        var cpu = serverCpu() - cpuBefore;
        var elapsed = measured.Elapsed;
        var rate = Finished().Match(output);
        var requests = Requests().Match(output);
        if (!rate.Success || !requests.Success)
        {
            throw new InvalidOperationException($"Unexpected h2load output:\n{output}\n{await h2load.StandardError.ReadToEndAsync()}");
        }

        var callsPerSecond = double.Parse(rate.Groups["rate"].Value, CultureInfo.InvariantCulture);
        return new Saturation(
            callsPerSecond,
            long.Parse(requests.Groups["succeeded"].Value, CultureInfo.InvariantCulture),
            long.Parse(requests.Groups["failed"].Value, CultureInfo.InvariantCulture) + long.Parse(requests.Groups["errored"].Value, CultureInfo.InvariantCulture),
            cpu.TotalMicroseconds / (callsPerSecond * elapsed.TotalSeconds),
            cpu / elapsed);
    }

    public void Dispose() => _http.Dispose();

    private static double At(double[] sorted, double quantile) => sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * quantile))];

    [GeneratedRegex(@"finished in [\d.]+\w+, (?<rate>[\d.]+) req/s")]
    private static partial Regex Finished();

    [GeneratedRegex(@"requests: \d+ total, \d+ started, \d+ done, (?<succeeded>\d+) succeeded, (?<failed>\d+) failed, (?<errored>\d+) errored")]
    private static partial Regex Requests();
}
