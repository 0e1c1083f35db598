using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Events.LatencyBench;
using ServiceDesk.LocalRedis;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Testing;
using StackExchange.Redis;

// usage: dotnet run --project bench/ServiceDesk.Events.LatencyBench [-- events per variant, default 100]
// Starts its own redis-server; one publisher and one consumer service on it, PollInterval 30 s (so only the
// blocking read or the wake-up can deliver in time). Each event is published alone and timed until its handler runs.
var events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
await using var redis = await RedisServer.StartAsync(TestDirectory.Create("latency-redis"));
using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);

var roundTrip = await Measure(events, async _ => await admin.GetDatabase().PingAsync());
const string user = "bench-no-pubsub";
const string password = "bench-no-pubsub-password";
// May use no pub/sub channel but the client library's own: every wake-up PUBLISH is refused.
await admin.GetDatabase().ExecuteAsync("ACL", "SETUSER", user, "on", ">" + password, "~*", "resetchannels", "&__Booksleeve_MasterChanged", "+@all");
var withWakeUp = await MeasureEvents(redis.Configuration, "with", null, null, events);
var withoutWakeUp = await MeasureEvents(redis.Configuration, "without", user, password, events);

Console.WriteLine($"events per variant: {events}");
Report("bare Redis round trip (PING)", roundTrip, roundTrip);
Report("publish-to-handled, pub/sub wake-up", withWakeUp, roundTrip);
Report("publish-to-handled, blocking read only", withoutWakeUp, roundTrip);

static void Report(string what, List<double> milliseconds, List<double> baseline)
{
    double Percentile(List<double> values, double p) => values[Math.Min(values.Count - 1, (int)(values.Count * p))];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{what,-42} median {Percentile(milliseconds, 0.5),8:F2} ms  p90 {Percentile(milliseconds, 0.9),8:F2} ms  max {milliseconds[^1],8:F2} ms  median/round trip {Percentile(milliseconds, 0.5) / Percentile(baseline, 0.5),7:F1}x"));
}

static async Task<List<double>> Measure(int count, Func<int, Task> operation)
{
    var results = new List<double>(count);
    for (var i = 0; i < count; i++)
    {
        var clock = Stopwatch.StartNew();
        await operation(i);
        results.Add(clock.Elapsed.TotalMilliseconds);
    }

    results.Sort();
    return results;
}

static async Task<List<double>> MeasureEvents(string redis, string variant, string? user, string? password, int count)
{
    var prefix = $"bench-{variant}:";
    var settings = new Dictionary<string, string?>
    {
        ["Redis:Configuration"] = redis,
        ["Redis:User"] = user,
        ["Redis:Password"] = password,
        ["Messaging:KeyPrefix"] = prefix,
        ["Messaging:PollInterval"] = "00:00:30",
        ["Messaging:RelayInterval"] = "00:00:30",
    };
    await using var publisher = await ServiceHost.StartAsync(LatencyServices.Service(LatencyServices.Publisher), settings);
    await using var consumer = await ServiceHost.StartAsync(LatencyServices.Service(LatencyServices.Consumer), settings);
    var handled = consumer.Services.GetRequiredService<HandledSignals>();
    var publish = publisher.Services.GetRequiredService<IntegrationEvents>();

    async Task PublishAndWait(string key)
    {
        var done = handled.Expect(key);
        await publish.PublishAsync(new ProjectCreated { ProjectKey = key }, CancellationToken.None);
        await done.WaitAsync(TimeSpan.FromSeconds(60));
    }

    await PublishAndWait("warm-up");
    return await Measure(count, i => PublishAndWait($"L{i}"));
}

namespace ServiceDesk.Events.LatencyBench
{
    /// <summary>Completes when the consumer's handler ran for a project key: no polling in the measurement.</summary>
    public sealed class HandledSignals
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiting = new();

        public Task Expect(string key) => _waiting.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public void Handled(string key) => _waiting.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
