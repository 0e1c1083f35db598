using System.Diagnostics;
using System.Globalization;
using LiteDB;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.EventReplica;
using ServiceDesk.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ServiceDesk.Messaging.Tests;

[Collection(RedisCollection.Name)]
public sealed class OneEffectTests(RedisFixture redis, ITestOutputHelper output) : ProbeStreamTests(redis)
{
    private const int PerPublisher = 6;

    [Fact]
    public async Task Each_event_takes_effect_once_with_two_publishers_two_replicas_and_a_replica_killed_between_commit_and_acknowledgement()
    {
        // Two replicas of the publishing service on one outbox: both relays see every row.
        var publisherData = TestDirectory.Create("publisher-replicas");
        await using var publisher1 = await ServiceHost.StartAsync(Probes.Service("publisher"), Shared(Probes.Settings(RedisConfiguration, Prefix)), publisherData);
        await using var publisher2 = await ServiceHost.StartAsync(Probes.Service("publisher"), Shared(Probes.Settings(RedisConfiguration, Prefix)), publisherData);

        var consumerData = TestDirectory.Create("consumer-replicas");
        using var killed = StartReplica(consumerData, Shared(Probes.Settings(RedisConfiguration, Prefix, "replica-1")));
        try
        {
            Assert.Equal("ready", await ReadLineAsync(killed, "ready"));
            var first = await Probes.PublishAsync(publisher1, PerPublisher, "ONE");
            var committed = (await ReadLineAsync(killed, "committed "))["committed ".Length..];
            Assert.Contains(committed, first);

            // The surviving replica runs alongside while the other one holds its committed, unacknowledged event.
            await using var survivor = await ServiceHost.StartAsync(EffectLedger.Service(haltAfterCommit: false), Shared(Probes.Settings(RedisConfiguration, Prefix, "replica-2")), consumerData);
            var second = await Probes.PublishAsync(publisher2, PerPublisher, "TWO");
            killed.Kill();   // SIGKILL, between the commit and the acknowledgement
            await killed.WaitForExitAsync();

            var database = survivor.Services.GetRequiredService<LiteDatabase>();
            await Eventually.WaitForAsync(() => EffectLedger.Effects(database).Count == 2 * PerPublisher, "every event's effect", TimeSpan.FromSeconds(60));
            await Eventually.WaitForAsync(() => CaughtUpAsync("consumer-a"), caughtUp => caughtUp, "the killed replica's entries to be claimed and acknowledged", TimeSpan.FromSeconds(60));

            var effects = EffectLedger.Effects(database);
            var appended = (long)(await Redis.ExecuteAsync("XINFO", "STREAM", Keys.Stream)).ToDictionary()["entries-added"];
            output.WriteLine($"{2 * PerPublisher} events, {effects.Values.Sum()} effects, {appended} entries appended; killed after committing {committed}");
            Assert.Equal(first.Concat(second).Order(), effects.Keys.Order());
            Assert.All(effects.Values, count => Assert.Equal(1, count));
            Assert.Equal(2 * PerPublisher, appended);
        }
        finally
        {
            if (!killed.HasExited)
            {
                killed.Kill();
            }
        }
    }

    private static Dictionary<string, string?> Shared(Dictionary<string, string?> settings)
    {
        settings["Storage:LiteDbConnection"] = "Shared";
        return settings;
    }

    private static Process StartReplica(string dataDirectory, Dictionary<string, string?> settings)
    {
        var replica = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "ServiceDesk.EventReplica", "bin",
            new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "ServiceDesk.EventReplica.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(replica);
        start.ArgumentList.Add(dataDirectory);
        // Keys made in this process: the replica's own would not be the publishers' here.
        foreach (var (key, value) in TestEventKeys.Settings("consumer-a").Concat(settings).Where(s => s.Value is not null))
        {
            start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"{key}={value}"));
        }

        return Process.Start(start)!;
    }

    private static async Task<string> ReadLineAsync(Process process, string prefix)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }

        throw new InvalidOperationException($"The replica exited before saying \"{prefix}\".");
    }
}
