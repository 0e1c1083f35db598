using System.Security.Cryptography;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.Authenticity;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Testing;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace ServiceDesk.Messaging.Tests;

[Collection(RedisCollection.Name)]
public sealed class AuthenticityTests(RedisFixture redis, ITestOutputHelper output) : ProbeStreamTests(redis)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_forged_event_appended_by_hand_is_refused_counted_and_never_handled(bool signedUnderAWrongKey)
    {
        await using var consumer = await ServiceHost.StartAsync(
            Probes.Consumer("consumer-a"),
            new Dictionary<string, string?>(Probes.Settings(RedisConfiguration, Prefix)) { ["Telemetry:Exporter"] = "prometheus" });
        await using var publisher = await ServiceHost.StartAsync(Probes.Service("publisher"), Probes.Settings(RedisConfiguration, Prefix));
        var received = consumer.Services.GetRequiredService<Received>();

        var forged = Forge("FORGED");
        var forgedId = await Redis.StreamAddAsync(Keys.Stream, Fields(forged, signedUnderAWrongKey ? RandomNumberGenerator.GetBytes(32) : null));
        // A genuine event after the forged one: once it is handled, the forged one has been read.
        await Probes.PublishAsync(publisher, 1, "GENUINE");
        await Eventually.WaitForAsync(() => received.ProjectKeys.Contains("GENUINE0"), "the genuine event to be handled");

        var dead = await Eventually.WaitForAsync(
            () => Redis.StreamRangeAsync(Keys.DeadLetters("consumer-a")),
            entries => entries.Length == 1,
            "the forged entry in the dead letters");
        Assert.Equal(forgedId.ToString(), dead[0][DeadLetters.EntryIdField].ToString());
        Assert.Equal(DeadLetters.Unauthenticated, dead[0][DeadLetters.ErrorField].ToString());
        Assert.DoesNotContain("FORGED", received.ProjectKeys);
        Assert.Equal(0, (await Redis.StreamPendingAsync(Keys.Stream, "consumer-a")).PendingMessageCount);
        var metrics = await consumer.Http.GetStringAsync("/metrics");
        Assert.Contains(metrics.Split('\n'), line => line.StartsWith("servicedesk_events_unauthenticated_total{", StringComparison.Ordinal)
            && line.Contains("family=\"probe\"", StringComparison.Ordinal) && line.EndsWith(" 1", StringComparison.Ordinal));
        Assert.Contains(forgedId.ToString(), consumer.Logs.All, StringComparison.Ordinal);

        // An operator's re-drive does not handle it either.
        var (redriven, failed) = await consumer.Services.GetRequiredService<DeadLetters>().RedriveAsync("probe", 10, CancellationToken.None);
        output.WriteLine($"forged entry {forgedId} (signed under a wrong key: {signedUnderAWrongKey}) refused; re-drive: {redriven} handled, {failed} still dead");
        Assert.Equal((0, 1), (redriven, failed));
        Assert.DoesNotContain("FORGED", received.ProjectKeys);
    }

    [Fact]
    public async Task An_entry_signed_under_a_retired_key_is_still_handled()
    {
        await using var consumer = await ServiceHost.StartAsync(
            Probes.Consumer("consumer-a"),
            new Dictionary<string, string?>(Probes.Settings(RedisConfiguration, Prefix))
            {
                ["Messaging:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                ["Messaging:RetiredSigningKeys:0"] = ServiceHost.MessagingSigningKey,
            });
        var received = consumer.Services.GetRequiredService<Received>();

        await Redis.StreamAddAsync(Keys.Stream, Fields(Forge("RETIRED"), Convert.FromBase64String(ServiceHost.MessagingSigningKey)));

        await Eventually.WaitForAsync(() => received.ProjectKeys.Contains("RETIRED"), "the entry signed under the retired key to be handled");
        Assert.Equal(0, await Redis.StreamLengthAsync(Keys.DeadLetters("consumer-a")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not base64!")]
    [InlineData("c2hvcnQta2V5")]
    public async Task A_missing_or_malformed_signing_key_stops_the_start_naming_the_setting(string? signingKey)
    {
        var settings = new Dictionary<string, string?>(Probes.Settings(RedisConfiguration, Prefix)) { ["Messaging:SigningKey"] = signingKey };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServiceHost.StartAsync(Probes.Consumer("consumer-a"), settings));

        output.WriteLine(error.Message);
        Assert.Contains("Messaging:SigningKey", error.Message, StringComparison.Ordinal);
    }

    private static OutgoingEvent Forge(string projectKey) => OutgoingEvent.From("probe", new EventEnvelope
    {
        EventId = Guid.NewGuid().ToString("N"),
        Source = "publisher",
        OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        Payload = Any.Pack(new ProjectCreated { ProjectKey = projectKey }),
    });

    /// <summary>The entry's fields as the relay writes them, with a MAC under <paramref name="key"/> or none.</summary>
    private static NameValueEntry[] Fields(OutgoingEvent outgoing, byte[]? key) =>
    [
        new(EventStreams.EventIdField, outgoing.EventId),
        new(EventStreams.EventTypeField, outgoing.EventType),
        new(EventStreams.EnvelopeField, outgoing.Envelope),
        .. key is null ? Array.Empty<NameValueEntry>() : [new(EventStreams.MacField, new EventAuthenticator(key, []).Sign(outgoing.Family, outgoing.EventId, outgoing.EventType, outgoing.Envelope))],
    ];
}
