using System.Globalization;
using StackExchange.Redis;

namespace ServiceDesk.Throughput.Bench;

/// <summary>
/// Redis calls per operation by command, from the server's own counts (INFO commandstats): unlike CPU time they do not
/// depend on the machine's speed. Scripts count as EVALSHA plus the commands they run.
/// </summary>
public sealed class RedisCommandCounts(ConnectionMultiplexer redis, IServer server) : IAsyncDisposable
{
    public static async Task<RedisCommandCounts> ConnectAsync(string configuration)
    {
        var options = ConfigurationOptions.Parse(BenchRedis.Configuration(configuration));
        options.AllowAdmin = true;
        var redis = await ConnectionMultiplexer.ConnectAsync(options);
        return new RedisCommandCounts(redis, redis.GetServer(redis.GetEndPoints().Single()));
    }

    public async Task<IReadOnlyDictionary<string, long>> ReadAsync() =>
        (await server.InfoAsync("commandstats")).SelectMany(group => group)
            .ToDictionary(pair => pair.Key["cmdstat_".Length..], pair => long.Parse(pair.Value.Split("calls=")[1].Split(',')[0], CultureInfo.InvariantCulture));

    /// <summary>Calls per operation since <paramref name="before"/>, without the bench's own (its receipt follower's XREAD, these INFOs).</summary>
    public async Task<string> PerOperationAsync(IReadOnlyDictionary<string, long> before, int operations)
    {
        var perOperation = (await ReadAsync())
            .Where(pair => pair.Key is not ("xread" or "info"))
            .Select(pair => (Command: pair.Key, Calls: (pair.Value - before.GetValueOrDefault(pair.Key)) / (double)operations))
            .Where(pair => pair.Calls > 0)
            .OrderByDescending(pair => pair.Calls)
            .ToList();
        return string.Create(CultureInfo.InvariantCulture,
            $"Redis calls per operation: {perOperation.Sum(pair => pair.Calls):F1} ({string.Join(", ", perOperation.Select(pair => $"{pair.Command} {pair.Calls:F1}"))})");
    }

    public ValueTask DisposeAsync() => redis.DisposeAsync();
}
