using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.LocalRedis;
using ServiceDesk.Testing;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace ServiceDesk.Messaging.Tests;

[Collection(RedisCollection.Name)]
public sealed class DurabilityTests(RedisFixture redis, ITestOutputHelper output) : ProbeStreamTests(redis)
{
    private const int Burst = 30;

    /// <summary>
    /// What a host crash inside the AOF's fsync second, a failover to a lagging replica or a restore from a backup
    /// does: Redis comes back on the same address without the latest appends. Here: an older copy of the AOF
    /// directory put back after a SIGKILL.
    /// </summary>
    [Fact]
    public async Task A_burst_that_a_restarted_redis_lost_is_appended_again_and_handled_once()
    {
        var directory = TestDirectory.Create("redis-lost");
        var server = await RedisServer.StartAsync(directory);
        await using var publisher = await ServiceHost.StartAsync(Probes.Service("publisher"), Probes.Settings(server.Configuration, Prefix));
        await using var consumerA = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), Probes.Settings(server.Configuration, Prefix));
        var receivedA = consumerA.Services.GetRequiredService<Received>();
        var before = await Probes.PublishAsync(publisher, 3, "BEFORE");
        await Eventually.WaitForAsync(() => receivedA.Count == 3, "the events before the copy");

        // The older state Redis will come back with; the AOF is append-only, so a copy is a prefix of it. Redis may
        // postpone writing the file while a background fsync runs (a loaded machine): the copy waits for the events.
        var aof = Path.Combine(directory, "appendonlydir");
        await Eventually.WaitForAsync(() => AofHolds(aof, before), "Redis to write the events before the copy to its AOF");
        var olderCopy = TestDirectory.Create("aof-copy");
        CopyDirectory(aof, olderCopy);

        var burst = await Probes.PublishAsync(publisher, Burst, "BURST");
        await Eventually.WaitForAsync(() => receivedA.Count == 3 + Burst, "consumer-a to handle the burst before the crash");

        await using var beforeCrash = await ConnectionMultiplexer.ConnectAsync(server.Configuration);
        var processId = (int)await beforeCrash.GetDatabase().ScriptEvaluateAsync("return tonumber(string.match(redis.call('INFO', 'server'), 'process_id:(%d+)'))");
        using (var redisProcess = Process.GetProcessById(processId))
        {
            redisProcess.Kill();   // SIGKILL: no shutdown, no final fsync
            await redisProcess.WaitForExitAsync();
        }

        System.IO.Directory.Delete(aof, recursive: true);
        CopyDirectory(olderCopy, aof);
        await using var restarted = await RedisServer.StartAsync(directory, server.Port);
        await using (var check = await ConnectionMultiplexer.ConnectAsync(restarted.Configuration))
        {
            // Honest: the restarted server really lacks the burst (only what the publisher appends again comes back).
            Assert.Equal(3, (long)(await check.GetDatabase().ExecuteAsync("XINFO", "STREAM", Keys.Stream)).ToDictionary()["length"]);
        }

        // consumer-b never ran: only what Redis holds now can reach it.
        await using var consumerB = await ServiceHost.StartAsync(Probes.Consumer("consumer-b"), Probes.Settings(restarted.Configuration, Prefix));
        var receivedB = consumerB.Services.GetRequiredService<Received>();
        await Eventually.WaitForAsync(() => receivedB.Count == 3 + Burst, "consumer-b to receive every event of the burst", TimeSpan.FromSeconds(60));
        await using var inspect = await ConnectionMultiplexer.ConnectAsync(restarted.Configuration);
        await Eventually.WaitForAsync(() => CaughtUpAsync("consumer-a", inspect.GetDatabase()), caughtUp => caughtUp, "consumer-a to go through the appended-again entries");

        output.WriteLine($"burst of {Burst} lost by Redis; consumer-b received {receivedB.Count}, consumer-a handled {receivedA.Count}, each once");
        Assert.Equal(before.Concat(burst).Order(), receivedB.TimesHandled.Keys.Order());
        Assert.Equal(before.Concat(burst).Order(), receivedA.TimesHandled.Keys.Order());
        Assert.All(receivedA.TimesHandled.Values, times => Assert.Equal(1, times));
        Assert.All(receivedB.TimesHandled.Values, times => Assert.Equal(1, times));
    }

    private static bool AofHolds(string aof, IEnumerable<string> eventIds)
    {
        var written = string.Concat(System.IO.Directory.EnumerateFiles(aof).Select(file => System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(file))));
        return eventIds.All(id => written.Contains(id, StringComparison.Ordinal));
    }

    private static void CopyDirectory(string from, string to)
    {
        System.IO.Directory.CreateDirectory(to);
        foreach (var file in System.IO.Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        }
    }
}
