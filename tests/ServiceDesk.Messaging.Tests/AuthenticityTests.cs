using System.Security.Cryptography;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
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
    public enum Forgery
    {
        Unsigned,
        SignedUnderAnUnknownKey,
        SignedByAServiceThatDoesNotPublishTheFamily,
        ThePublishersNameWithAnotherServicesSignature,
        SignedByThePublisherAsAnotherSource,
    }

    [Theory]
    [InlineData(Forgery.Unsigned)]
    [InlineData(Forgery.SignedUnderAnUnknownKey)]
    [InlineData(Forgery.SignedByAServiceThatDoesNotPublishTheFamily)]
    [InlineData(Forgery.ThePublishersNameWithAnotherServicesSignature)]
    [InlineData(Forgery.SignedByThePublisherAsAnotherSource)]
    public async Task A_forged_event_appended_by_hand_is_refused_counted_and_never_handled(Forgery forgery)
    {
        await using var consumer = await ServiceHost.StartAsync(
            Probes.Consumer("consumer-a"),
            new Dictionary<string, string?>(Probes.Settings(RedisConfiguration, Prefix)) { ["Telemetry:Exporter"] = "prometheus" });
        await using var publisher = await ServiceHost.StartAsync(Probes.Service("publisher"), Probes.Settings(RedisConfiguration, Prefix));
        var received = consumer.Services.GetRequiredService<Received>();

        var forged = Forge("FORGED", forgery == Forgery.SignedByThePublisherAsAnotherSource ? "consumer-b" : "publisher");
        var fields = forgery switch
        {
            Forgery.Unsigned => Fields(forged, null),
            Forgery.SignedUnderAnUnknownKey => Fields(forged, AuthenticatorWithAnUnknownKey("publisher")),
            // consumer-b is a service of the system whose key consumer-a knows (it publishes "customers"), but not a publisher of "probe".
            Forgery.SignedByAServiceThatDoesNotPublishTheFamily => Fields(forged, TestEventKeys.AuthenticatorOf("consumer-b", Probes.Catalog)),
            Forgery.ThePublishersNameWithAnotherServicesSignature => Fields(forged, TestEventKeys.AuthenticatorOf("consumer-b", Probes.Catalog), signerNamed: "publisher"),
            _ => Fields(forged, TestEventKeys.AuthenticatorOf("publisher", Probes.Catalog)),
        };
        var forgedId = await Redis.StreamAddAsync(Keys.Stream, fields);
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
        output.WriteLine($"forged entry {forgedId} ({forgery}) refused; re-drive: {redriven} handled, {failed} still dead");
        Assert.Equal((0, 1), (redriven, failed));
        Assert.DoesNotContain("FORGED", received.ProjectKeys);
    }

    /// <summary>
    /// consumer-b publishes "customers" only: a ProjectCreated it signs for that family is authentic, but not of the family.
    /// The live consumer parks such an entry for a newer replica; one put among the dead letters by hand (Redis credentials
    /// allow it) is never handled by a re-drive either, whose handler would trust its source.
    /// </summary>
    [Fact]
    public async Task An_event_of_another_family_put_among_the_dead_letters_is_never_handled_by_a_redrive()
    {
        await using var consumer = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), Probes.Settings(RedisConfiguration, Prefix));
        var received = consumer.Services.GetRequiredService<Received>();
        var smuggled = OutgoingEvent.From("customers", new EventEnvelope
        {
            EventId = Guid.NewGuid().ToString("N"),
            Source = "consumer-b",
            OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            Payload = Any.Pack(new ProjectCreated { ProjectKey = "SMUGGLED" }),
        });
        var deadLetters = new StreamKeys(Prefix, "customers").DeadLetters("consumer-a");
        await Redis.StreamAddAsync(deadLetters,
        [
            new(DeadLetters.EntryIdField, "1-1"),
            .. Fields(smuggled, TestEventKeys.AuthenticatorOf("consumer-b", Probes.Catalog)),
            new(DeadLetters.ErrorField, "put here by hand"),
            new(DeadLetters.AttemptsField, 1),
        ]);

        var (redriven, failed) = await consumer.Services.GetRequiredService<DeadLetters>().RedriveAsync("customers", 10, CancellationToken.None);

        Assert.Equal((0, 1), (redriven, failed));
        Assert.DoesNotContain("SMUGGLED", received.ProjectKeys);
        Assert.Equal(DeadLetters.NotOfTheFamily, (await Redis.StreamRangeAsync(deadLetters)).Single()[DeadLetters.ErrorField].ToString());
    }

    /// <summary>
    /// A forged entry's dead letter is never handled, so only a discard brings the dead-letter gauge back to 0. An authentic
    /// one stays for its re-drive; the discard searches the service's own group only, so another group's dead letter, an
    /// unknown id and an entry that is no dead letter all answer alike.
    /// </summary>
    [Fact]
    public async Task An_admin_discards_a_forged_dead_letter_but_no_authentic_one_nor_another_groups()
    {
        await using var identity = await Probes.StartIdentityAsync(RedisConfiguration);
        await using var consumer = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), Probes.Settings(RedisConfiguration, Prefix).TrustingIdentity(identity));
        await using var publisher = await ServiceHost.StartAsync(Probes.Service("publisher"), Probes.Settings(RedisConfiguration, Prefix));
        consumer.Services.GetRequiredService<FailureSwitch>().FailingKeys["P0"] = true;
        var operations = new EventOperations.EventOperationsClient(consumer.Channel);
        var admin = IdentityTestHost.Bearer(await identity.AdminTokenAsync());
        var forgedId = (await Redis.StreamAddAsync(Keys.Stream, Fields(Forge("FORGED", "publisher"), null))).ToString();
        await Probes.PublishAsync(publisher, 2);
        var dead = await Eventually.WaitForAsync(
            () => Redis.StreamRangeAsync(Keys.DeadLetters("consumer-a")), entries => entries.Length == 2, "the forged and the failing entry in the dead letters");
        var authenticId = dead.Select(entry => entry[DeadLetters.EntryIdField].ToString()).Single(id => id != forgedId);
        var handledId = (await Redis.StreamRangeAsync(Keys.Stream)).Select(entry => entry.Id.ToString()).Single(id => id != forgedId && id != authenticId);
        const string OtherGroupsId = "9-9";
        await Redis.StreamAddAsync(Keys.DeadLetters("consumer-b"), [new(DeadLetters.EntryIdField, OtherGroupsId), new(DeadLetters.ErrorField, DeadLetters.Unauthenticated)]);

        async Task<RpcException> RefusedAsync(string entryId, Metadata? headers = null) =>
            await Assert.ThrowsAsync<RpcException>(() => operations.DiscardDeadLetterAsync(new DiscardDeadLetterRequest { Family = "probe", EntryId = entryId }, headers ?? admin).ResponseAsync);

        var unknown = await RefusedAsync("1-1");
        var othersGroup = await RefusedAsync(OtherGroupsId);
        var notDead = await RefusedAsync(handledId);
        var authentic = await RefusedAsync(authenticId);
        var asTheService = await RefusedAsync(forgedId, IdentityTestHost.Bearer(await identity.ServiceTokenAsync("consumer-a", Probes.ConsumerSecret)));
        var discarded = await operations.DiscardDeadLetterAsync(new DiscardDeadLetterRequest { Family = "probe", EntryId = forgedId }, admin);

        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal((unknown.StatusCode, unknown.Status.Detail.Replace("1-1", OtherGroupsId, StringComparison.Ordinal)), (othersGroup.StatusCode, othersGroup.Status.Detail));
        Assert.Equal(StatusCode.NotFound, notDead.StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, authentic.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, asTheService.StatusCode);
        Assert.Equal(DeadLetters.Unauthenticated, discarded.Reason);
        Assert.Equal([authenticId], (await Redis.StreamRangeAsync(Keys.DeadLetters("consumer-a"))).Select(entry => entry[DeadLetters.EntryIdField].ToString()));
        Assert.Equal(1, await Redis.StreamLengthAsync(Keys.DeadLetters("consumer-b")));
        var audit = Assert.Single(consumer.Logs.Lines, line => line.Contains("discarded", StringComparison.Ordinal));
        output.WriteLine(audit);
        Assert.Contains(forgedId, audit, StringComparison.Ordinal);
        Assert.Contains("\"level\":\"Warning\"", audit, StringComparison.Ordinal);
        Assert.DoesNotContain("FORGED", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_entry_signed_under_a_publishers_former_key_still_listed_is_handled()
    {
        var former = AuthenticatorWithAnUnknownKey("publisher", out var formerPublicKey);
        await using var consumer = await ServiceHost.StartAsync(
            Probes.Consumer("consumer-a"),
            new Dictionary<string, string?>(Probes.Settings(RedisConfiguration, Prefix))
            {
                ["Messaging:PublisherKeys:publisher"] = $"{TestEventKeys.PublicKey("publisher")},{formerPublicKey}",
            });
        var received = consumer.Services.GetRequiredService<Received>();

        await Redis.StreamAddAsync(Keys.Stream, Fields(Forge("FORMER", "publisher"), former));

        await Eventually.WaitForAsync(() => received.ProjectKeys.Contains("FORMER"), "the entry signed under the former key to be handled");
        Assert.Equal(0, await Redis.StreamLengthAsync(Keys.DeadLetters("consumer-a")));
    }

    public static TheoryData<string, string?, string> MisconfiguredKeys() => new()
    {
        { "Messaging:SigningKey", null, "Messaging:SigningKey" },
        { "Messaging:SigningKey", "not base64!", "Messaging:SigningKey" },
        // The shared HMAC key of earlier releases: 32 random bytes, not a private key.
        { "Messaging:SigningKey", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), "Messaging:SigningKey" },
        { "Messaging:SigningKey", Convert.ToBase64String(ECDsa.Create(ECCurve.NamedCurves.nistP384).ExportPkcs8PrivateKey()), "Messaging:SigningKey" },
        // Another key than its own listed for the service: the others would refuse what it publishes.
        { "Messaging:SigningKey", TestEventKeys.PrivateKey("consumer-b"), "Messaging:PublisherKeys:consumer-a" },
        { "Messaging:PublisherKeys:publisher", null, "Messaging:PublisherKeys:publisher" },
        { "Messaging:PublisherKeys:publisher", "c2hvcnQta2V5", "Messaging:PublisherKeys:publisher" },
    };

    [Theory]
    [MemberData(nameof(MisconfiguredKeys))]
    public async Task A_missing_or_malformed_key_stops_the_start_naming_the_setting(string setting, string? value, string named)
    {
        var settings = new Dictionary<string, string?>(Probes.Settings(RedisConfiguration, Prefix)) { [setting] = value };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServiceHost.StartAsync(Probes.Consumer("consumer-a"), settings));

        output.WriteLine(error.Message);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    private static OutgoingEvent Forge(string projectKey, string source) => OutgoingEvent.From("probe", new EventEnvelope
    {
        EventId = Guid.NewGuid().ToString("N"),
        Source = source,
        OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        Payload = Any.Pack(new ProjectCreated { ProjectKey = projectKey }),
    });

    private static EventAuthenticator AuthenticatorWithAnUnknownKey(string service) => AuthenticatorWithAnUnknownKey(service, out _);

    /// <summary>An authenticator that signs as <paramref name="service"/> under a key no test host lists for it.</summary>
    private static EventAuthenticator AuthenticatorWithAnUnknownKey(string service, out string publicKey)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        publicKey = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
        var settings = TestEventKeys.Settings(service);
        settings["Messaging:SigningKey"] = Convert.ToBase64String(key.ExportPkcs8PrivateKey());
        settings[$"Messaging:PublisherKeys:{service}"] = null;
        return new EventAuthenticator(EventAuthenticator.ReadKeys(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()), Probes.Catalog, service);
    }

    /// <summary>The entry's fields as the relay writes them, signed by <paramref name="signer"/> or not at all.</summary>
    private static NameValueEntry[] Fields(OutgoingEvent outgoing, EventAuthenticator? signer, string? signerNamed = null) =>
    [
        new(EventStreams.EventIdField, outgoing.EventId),
        new(EventStreams.EventTypeField, outgoing.EventType),
        new(EventStreams.EnvelopeField, outgoing.Envelope),
        .. signer is null ? Array.Empty<NameValueEntry>() :
        [
            new(EventAuthenticator.SignerField, signerNamed ?? signer.Signer),
            new(EventAuthenticator.SignatureField, signer.Sign(outgoing.Family, outgoing.EventId, outgoing.EventType, outgoing.Envelope)),
        ],
    ];
}
