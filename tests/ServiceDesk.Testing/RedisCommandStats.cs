using System.Globalization;
using StackExchange.Redis;

namespace ServiceDesk.Testing;

/// <summary>The server's own count of the calls it answered, by command (INFO commandstats): counts that do not move with the machine's speed.</summary>
public static class RedisCommandStats
{
    /// <summary>Calls of <paramref name="command"/> (lower case, e.g. "xreadgroup") since the server started; 0 before the first.</summary>
    public static async Task<long> CallsAsync(IDatabase redis, string command)
    {
        var stats = (string)(await redis.ExecuteAsync("INFO", "commandstats"))!;
        var line = stats.Split('\n').SingleOrDefault(l => l.StartsWith($"cmdstat_{command}:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split("calls=")[1].Split(',')[0], CultureInfo.InvariantCulture);
    }
}
