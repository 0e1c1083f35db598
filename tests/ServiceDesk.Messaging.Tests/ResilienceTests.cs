using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ServiceDesk.Messaging.Tests;

[Collection(RedisCollection.Name)]
public sealed class ResilienceTests(RedisFixture redis, ITestOutputHelper output) : ProbeStreamTests(redis)
{
    [Fact]
    public async Task A_store_that_becomes_unreadable_degrades_the_events_check_and_the_consumer_recovers_when_it_returns()
    {
        await using var publisher = await ServiceHost.StartAsync(Probes.Service("publisher"), Probes.Settings(RedisConfiguration, Prefix));
        // Shared mode opens the file for every operation, so taking the file away fails the next one.
        await using var consumer = await ServiceHost.StartAsync(
            Probes.Consumer("consumer-a"),
            new Dictionary<string, string?>(Probes.Settings(RedisConfiguration, Prefix)) { ["Storage:LiteDbConnection"] = "Shared" });
        var received = consumer.Services.GetRequiredService<Received>();
        await Probes.PublishAsync(publisher, 2, "BEFORE");
        await Eventually.WaitForAsync(() => received.Count == 2, "the events published before the store failure");

        var file = Path.Combine(consumer.DataDirectory, "consumer-a.db");
        File.Move(file, file + ".away");
        System.IO.Directory.CreateDirectory(file);
        await Probes.PublishAsync(publisher, 5, "DURING");
        // Longer than MaxAttempts (3) handler retries would take: an outage of the store is not the handler's failure.
        await Eventually.WaitForAsync(() => EventsHealthAsync(consumer), health => ConsumerFailures(health) >= 6, "the events check to report the consumer failing six rounds", TimeSpan.FromSeconds(60));
        var attemptsDuringOutage = received.Attempts.Count;

        System.IO.Directory.Delete(file);
        File.Move(file + ".away", file);
        await Eventually.WaitForAsync(() => received.Count == 7, "the consumer to deliver everything once the store is back", TimeSpan.FromSeconds(60));
        await Eventually.WaitForAsync(() => EventsHealthAsync(consumer), health => health.Status == "Healthy", "the events check to recover");

        output.WriteLine($"handlers reached during the outage: {attemptsDuringOutage - 2}; received {received.Count} of 7");
        Assert.Equal(2, attemptsDuringOutage);
        Assert.Equal(0, await Redis.StreamLengthAsync(Keys.DeadLetters("consumer-a")));
        Assert.All(received.TimesHandled.Values, times => Assert.Equal(1, times));
    }

    [Theory]
    [InlineData(StatusCode.Unavailable)]
    [InlineData(StatusCode.ResourceExhausted)]
    public async Task A_called_service_that_stays_unavailable_or_overloaded_spends_no_attempts_and_dead_letters_nothing(StatusCode answer)
    {
        await using var publisher = await ServiceHost.StartAsync(Probes.Service("publisher"), Probes.Settings(RedisConfiguration, Prefix));
        await using var consumer = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), Probes.Settings(RedisConfiguration, Prefix));
        var received = consumer.Services.GetRequiredService<Received>();
        var failures = consumer.Services.GetRequiredService<FailureSwitch>();
        failures.CalledServiceFails = answer;

        await Probes.PublishAsync(publisher, 3);
        // Twice the configured MaxAttempts (3): without the distinction the entry would be dead after three.
        await Eventually.WaitForAsync(() => received.Attempts.GetValueOrDefault("P0") >= 6, "the handler to be retried past MaxAttempts", TimeSpan.FromSeconds(60));
        Assert.Equal(0, await Redis.StreamLengthAsync(Keys.DeadLetters("consumer-a")));
        Assert.Equal("Degraded", (await EventsHealthAsync(consumer)).Status);

        failures.CalledServiceFails = null;
        await Eventually.WaitForAsync(() => received.Count == 3, "every event once the called service is back", TimeSpan.FromSeconds(60));
        await Eventually.WaitForAsync(() => EventsHealthAsync(consumer), health => health.Status == "Healthy", "the events check to recover");

        output.WriteLine($"P0 tried {received.Attempts["P0"]} times during the outage (MaxAttempts 3); dead letters 0");
        Assert.Equal(0, await Redis.StreamLengthAsync(Keys.DeadLetters("consumer-a")));
        Assert.Equal(["P0", "P1", "P2"], received.ProjectKeys);
    }

    private static async Task<(string Status, string Description)> EventsHealthAsync(ServiceHost host)
    {
        using var response = await host.Http.GetAsync("/healthz");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var events = body.RootElement.GetProperty("dependencies").GetProperty("events");
        return (events.GetProperty("status").GetString()!, events.GetProperty("description").GetString() ?? string.Empty);
    }

    private static int ConsumerFailures((string Status, string Description) health) =>
        Regex.Match(health.Description, @"consumer:probe failed (\d+) rounds") is { Success: true } match
            ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : 0;
}
