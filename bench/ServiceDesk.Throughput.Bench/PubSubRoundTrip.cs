using System.Collections.Concurrent;
using System.Diagnostics;
using StackExchange.Redis;

namespace ServiceDesk.Throughput.Bench;

/// <summary>
/// The baseline of a removal: a bare Redis PUBLISH that four subscribers (four connections in a process on the
/// server's cores, as the four services are) each answer with a PUBLISH of their own, timed until the publisher has
/// all four acknowledgements.
/// </summary>
public sealed class PubSubRoundTrip : IAsyncDisposable
{
    public const string SubscribersCommand = "subscribers";
    private const string CommandChannel = "bench:command";
    private const string AckChannel = "bench:ack";
    private const int Subscribers = 4;

    private readonly ConnectionMultiplexer _redis;
    private readonly ConcurrentDictionary<string, (TaskCompletionSource Done, int[] Count)> _waiting = new();

    private PubSubRoundTrip(ConnectionMultiplexer redis) => _redis = redis;

    public static async Task<int> RunSubscribersAsync(string configuration)
    {
        var connections = new List<ConnectionMultiplexer>();
        for (var i = 0; i < Subscribers; i++)
        {
            var connection = await ConnectionMultiplexer.ConnectAsync(BenchRedis.Configuration(configuration));
            var subscriber = connection.GetSubscriber();
            await subscriber.SubscribeAsync(RedisChannel.Literal(CommandChannel), (_, message) => subscriber.Publish(RedisChannel.Literal(AckChannel), message, CommandFlags.FireAndForget));
            connections.Add(connection);
        }

        Console.WriteLine("ready");
        await Console.In.ReadToEndAsync();
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }

        return 0;
    }

    public static async Task<PubSubRoundTrip> ConnectAsync(string configuration)
    {
        var roundTrip = new PubSubRoundTrip(await ConnectionMultiplexer.ConnectAsync(BenchRedis.Configuration(configuration)));
        await roundTrip._redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(AckChannel), (_, message) =>
        {
            if (roundTrip._waiting.TryGetValue(message.ToString(), out var waiting) && Interlocked.Increment(ref waiting.Count[0]) == Subscribers)
            {
                waiting.Done.TrySetResult();
            }
        });
        return roundTrip;
    }

    /// <summary>One round trip, in milliseconds.</summary>
    public async Task<double> TimeOneAsync()
    {
        var id = Guid.NewGuid().ToString("N");
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = (done, new int[1]);
        var clock = Stopwatch.StartNew();
        await _redis.GetSubscriber().PublishAsync(RedisChannel.Literal(CommandChannel), id);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var elapsed = clock.Elapsed.TotalMilliseconds;
        _waiting.TryRemove(id, out _);
        return elapsed;
    }

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();
}
