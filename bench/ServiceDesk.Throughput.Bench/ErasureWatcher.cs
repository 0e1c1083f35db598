using System.Diagnostics;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Messaging;
using ServiceDesk.Messaging.Catalog;
using StackExchange.Redis;

namespace ServiceDesk.Throughput.Bench;

/// <summary>
/// Waits for removals to be COMPLETED without polling Directory while the services work: it follows the receipts
/// stream in Redis (a blocking XREAD on a connection of its own, which costs the services nothing) and asks Directory
/// (GetErasure, every millisecond) only about a removal whose receipts from every other participant it has seen, until
/// Directory has recorded them; a removal counts as finished at the first answer that says it left IN_PROGRESS. Polling
/// every millisecond from the start instead cost Directory more CPU than the removals did. A removal whose receipts the
/// follower missed (the stream is trimmed as Directory acknowledges it) is asked about every 100 ms.
/// </summary>
public sealed class ErasureWatcher : IAsyncDisposable
{
    private const string ReceiptsFamily = "erasure-receipts";
    private static readonly TimeSpan Fallback = TimeSpan.FromMilliseconds(100);

    private readonly RunningSystem _system;
    private readonly ConnectionMultiplexer _redis;
    private readonly RedisKey _receipts = new StreamKeys(new MessagingOptions().KeyPrefix, ReceiptsFamily).Stream;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, HashSet<string>> _receiptsSeen = [];
    private readonly Dictionary<string, (int Expected, TaskCompletionSource Seen)> _watched = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _follower;
    private int _failedOnTheWay;

    private ErasureWatcher(RunningSystem system, ConnectionMultiplexer redis)
    {
        _system = system;
        _redis = redis;
        _follower = Task.Run(FollowReceiptsAsync);
    }

    public static async Task<ErasureWatcher> StartAsync(RunningSystem system) =>
        new(system, await ConnectionMultiplexer.ConnectAsync(BenchRedis.Configuration(system.Redis)));

    /// <summary>Removals that were FAILED (a participant's failed attempt) before they completed.</summary>
    public int FailedOnTheWay => Volatile.Read(ref _failedOnTheWay);

    /// <summary>RemoveCustomer, then waits until it is COMPLETED; the record and the client-observed milliseconds.</summary>
    public async Task<(ErasureRequest Request, double Milliseconds)> RemoveAsync(string customerId)
    {
        var started = Stopwatch.GetTimestamp();
        var request = await _system.Erasure.RemoveCustomerAsync(
            new RemoveCustomerRequest { CustomerId = customerId, Reason = ErasureReason.AccountClosed }, _system.Admin);
        var seen = Watch(request.Id, request.Participants.Count(participant => participant.Service != ServiceNames.Directory));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var failedOnTheWay = 0;
        while (true)
        {
            await Task.WhenAny(seen, Task.Delay(seen.IsCompleted ? TimeSpan.FromMilliseconds(1) : Fallback, timeout.Token));
            timeout.Token.ThrowIfCancellationRequested();
            var current = await _system.Erasure.GetErasureAsync(new GetErasureRequest { ErasureId = request.Id }, _system.Admin);
            if (current.Status == ErasureStatus.Completed)
            {
                var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                Forget(request.Id);
                return (current, milliseconds);
            }

            // A participant reports each failed attempt and its consumer retries: the request may still complete.
            if (current.Status == ErasureStatus.Failed && failedOnTheWay++ == 0)
            {
                Interlocked.Increment(ref _failedOnTheWay);
            }
        }
    }

    /// <summary>Completes once receipts from <paramref name="expected"/> services were seen, including any seen before the call.</summary>
    private Task Watch(string requestId, int expected)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _watched[requestId] = (expected, seen);
            if (_receiptsSeen.GetValueOrDefault(requestId)?.Count >= expected)
            {
                seen.TrySetResult();
            }
        }

        return seen.Task;
    }

    private void Forget(string requestId)
    {
        lock (_lock)
        {
            _watched.Remove(requestId);
            _receiptsSeen.Remove(requestId);
        }
    }

    private async Task FollowReceiptsAsync()
    {
        var database = _redis.GetDatabase();
        RedisValue after = "0-0";
        while (!_stop.IsCancellationRequested)
        {
            var reply = await database.ExecuteAsync("XREAD", "COUNT", 1000, "BLOCK", 100, "STREAMS", _receipts, after);
            if (reply.IsNull)
            {
                continue;
            }

            // RESP2 answers [[stream, [[id, [field, value, ...]], ...]]]; RESP3 a map {stream: [...]}, which reads as [stream, [...]].
            var streams = (RedisResult[])reply!;
            foreach (var entry in (RedisResult[])(reply.Resp3Type == ResultType.Map ? streams[1] : streams[0][1])!)
            {
                after = (RedisValue)entry[0];
                var fields = (RedisValue[])entry[1]!;
                var envelope = fields.Chunk(2).First(pair => pair[0] == EventStreams.EnvelopeField)[1];
                Seen(EventEnvelope.Parser.ParseFrom((byte[])envelope!).Payload.Unpack<ErasureReceipt>());
            }
        }
    }

    private void Seen(ErasureReceipt receipt)
    {
        lock (_lock)
        {
            if (!_receiptsSeen.TryGetValue(receipt.RequestId, out var services))
            {
                _receiptsSeen[receipt.RequestId] = services = [];
            }

            services.Add(receipt.Service);
            if (_watched.TryGetValue(receipt.RequestId, out var watched) && services.Count >= watched.Expected)
            {
                watched.Seen.TrySetResult();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _follower;
        await _redis.DisposeAsync();
        _stop.Dispose();
    }
}
