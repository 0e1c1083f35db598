using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Testing;
using StackExchange.Redis;
using Xunit;

namespace ServiceDesk.Messaging.Tests;

/// <summary>Tests on the "probe" family under a key prefix of their own, with a direct (admin) Redis connection to inspect it.</summary>
public abstract class ProbeStreamTests(RedisFixture redis) : IAsyncLifetime
{
    protected string RedisConfiguration { get; } = redis.Configuration;

    protected string Prefix { get; } = RedisFixture.NewPrefix();

    protected ConnectionMultiplexer Admin { get; private set; } = null!;

    protected IDatabase Redis => Admin.GetDatabase();

    protected StreamKeys Keys => new(Prefix, "probe");

    /// <summary>The group's pending count; 0 while the stream or the group is still being created by the services under test.</summary>
    protected async Task<long> PendingAsync(string group)
    {
        try
        {
            return (await Redis.StreamPendingAsync(Keys.Stream, group)).PendingMessageCount;
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            return 0;
        }
    }

    /// <summary>True once the group has read the stream's last entry and acknowledged everything it read.</summary>
    protected Task<bool> CaughtUpAsync(string group, IDatabase? database = null) => CaughtUpAsync(database ?? Redis, Keys, group);

    public static async Task<bool> CaughtUpAsync(IDatabase database, StreamKeys keys, string group)
    {
        var info = (await database.StreamGroupInfoAsync(keys.Stream)).Single(g => g.Name == group);
        var stream = (await database.ExecuteAsync("XINFO", "STREAM", keys.Stream)).ToDictionary();
        return info.PendingMessageCount == 0 && info.LastDeliveredId == (string?)stream["last-generated-id"];
    }

    public async Task InitializeAsync() => Admin = await ConnectionMultiplexer.ConnectAsync($"{RedisConfiguration},allowAdmin=true");

    public async Task DisposeAsync() => await Admin.DisposeAsync();
}
