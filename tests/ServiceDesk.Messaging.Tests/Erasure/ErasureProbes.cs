using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using LiteDB;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Messaging.Authenticity;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Storage;
using ServiceDesk.Storage.LiteDb;
using ServiceDesk.Testing;
using StackExchange.Redis;
using Xunit;

namespace ServiceDesk.Messaging.Tests.Erasure;

/// <summary>
/// A participant built from the real building blocks: "probe-participant" keeps customer notes in its LiteDB file and
/// erases them through <see cref="ProbeErasure"/>; its receipts go to "probe-coordinator".
/// </summary>
public static class ErasureProbes
{
    public const string Participant = "probe-participant";
    public const string Coordinator = "probe-coordinator";

    public static readonly EventCatalog Catalog = new(
    [
        new EventFamily("erasure", [CustomerErasureRequested.Descriptor, ErasedAddressesReinstated.Descriptor], Publishers: [ServiceNames.Directory], Subscribers: [Participant], KeepsHistory: true, Independent: true),
        new EventFamily("erasure-receipts", [ErasureReceipt.Descriptor], Publishers: [Participant], Subscribers: [Coordinator]),
    ]);

    public static ServiceApp Service(ProbeControl control) => new(
        Participant,
        "ServiceDesk.Messaging.Tests",
        builder =>
        {
            builder.AddServiceDefaults(Participant);
            builder.AddServiceStorage(Participant);
            builder.AddRedis(Participant);
            builder.Services.AddSingleton(Catalog);
            builder.Services.AddSingleton(control);
            builder.AddEventBus().AddErasureParticipant<ProbeErasure>();
        },
        app =>
        {
            app.MapServiceDefaults();
            app.MapErasureParticipant();
        });

    /// <summary>Writes notes about a customer into the participant's LiteDB file in <paramref name="dataDirectory"/> (the host must not be running).</summary>
    public static void SeedNotes(string dataDirectory, string customerId, params string[] texts)
    {
        using var database = LiteDbFiles.Open(new StorageOptions { DataDirectory = dataDirectory }, Participant);
        ProbeErasure.Notes(database).InsertBulk(texts.Select(text => new ProbeNote { CustomerId = customerId, Text = text }));
    }

    public static CustomerErasureRequested Command(string customerId, string? requestId = null) => new()
    {
        RequestId = requestId ?? $"er-{Guid.NewGuid():N}",
        CustomerId = customerId,
        Mode = ErasureMode.Anonymize,
        AddressHash = ErasedAddressHash.Compute(Convert.FromBase64String(ServiceHost.TombstonePepper), $"{customerId}@example.com"),
        Participants = { Participant },
        Pseudonym = "Former customer 7F3A",
    };

    public static Task PublishAsync(ServiceHost host, IMessage command, string asService = ServiceNames.Directory) =>
        SignedEvents.PublishAsync(host, command, asService);

    /// <summary>Appends the commands, published as Directory's, to the "erasure" stream in one Redis transaction.</summary>
    public static async Task AppendTogetherAsync(ServiceHost host, IDatabase redis, IEnumerable<CustomerErasureRequested> commands)
    {
        var streams = host.Services.GetRequiredService<EventStreams>();
        var directory = TestEventKeys.AuthenticatorOf(ServiceNames.Directory, streams.Catalog);
        var together = redis.CreateTransaction();
        var appends = new List<Task>();
        foreach (var command in commands)
        {
            var prepared = OutgoingEvent.From(streams.Catalog.FamilyOf(CustomerErasureRequested.Descriptor).Name, new EventEnvelope
            {
                EventId = Guid.CreateVersion7().ToString("N"),
                Source = ServiceNames.Directory,
                OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
                Payload = Any.Pack(command),
            });
            appends.Add(together.StreamAddAsync(streams.Keys(prepared.Family).Stream,
            [
                new(EventStreams.EventIdField, prepared.EventId),
                new(EventStreams.EventTypeField, prepared.EventType),
                new(EventStreams.EnvelopeField, prepared.Envelope),
                new(EventAuthenticator.SignerField, directory.Signer),
                new(EventAuthenticator.SignatureField, directory.Sign(prepared.Family, prepared.EventId, prepared.EventType, prepared.Envelope)),
            ]));
        }

        Assert.True(await together.ExecuteAsync());
        await Task.WhenAll(appends);
    }

    /// <summary>Every receipt in the prefix's "erasure-receipts" stream, oldest first.</summary>
    public static async Task<IReadOnlyList<ErasureReceipt>> ReceiptsAsync(IDatabase redis, string prefix) =>
        [.. (await redis.StreamRangeAsync(new StreamKeys(prefix, "erasure-receipts").Stream))
            .Select(entry => EventEnvelope.Parser.ParseFrom((byte[])entry[EventStreams.EnvelopeField]!).Payload.Unpack<ErasureReceipt>())];

    public static Dictionary<string, string?> Settings(string redis, string prefix) => new(Probes.Settings(redis, prefix))
    {
        ["Messaging:InstanceName"] = Participant,
    };
}

public sealed class ProbeNote
{
    public ObjectId Id { get; set; } = ObjectId.NewObjectId();

    public string CustomerId { get; set; } = string.Empty;

    public string Text { get; set; } = string.Empty;
}

/// <summary>What the tests make the probe's erasure do: count its runs, fail once after erasing, or wait.</summary>
public sealed class ProbeControl
{
    private int _erasures;
    private int _held;

    public int Erasures => _erasures;

    /// <summary>Erasures waiting on <see cref="Hold"/> right now.</summary>
    public int Held => Volatile.Read(ref _held);

    public volatile bool FailOnceAfterErasing;

    public volatile bool FailOnceBeforeErasing;

    public volatile TaskCompletionSource? Hold;

    public void CountErasure() => Interlocked.Increment(ref _erasures);

    public async Task WaitForReleaseAsync(TaskCompletionSource hold, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _held);
        try
        {
            await hold.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _held);
        }
    }
}

public sealed class ProbeErasure(LiteDatabase database, ProbeControl control) : ICustomerErasure
{
    public const string NotesDeleted = "notes_deleted";

    public static ILiteCollection<ProbeNote> Notes(LiteDatabase database) => database.GetCollection<ProbeNote>("notes");

    public Task<ErasurePlan> PlanAsync(ErasureScope scope, CancellationToken cancellationToken) =>
        Task.FromResult(new ErasurePlan(
            new Dictionary<string, long> { [NotesDeleted] = Notes(database).Count(n => n.CustomerId == scope.CustomerId) },
            token => EraseAsync(scope, token)));

    private async Task<IReadOnlyDictionary<string, long>> EraseAsync(ErasureScope scope, CancellationToken cancellationToken)
    {
        if (control.Hold is { } hold)
        {
            await control.WaitForReleaseAsync(hold, cancellationToken);
        }

        control.CountErasure();
        if (control.FailOnceBeforeErasing)
        {
            control.FailOnceBeforeErasing = false;
            throw new InvalidOperationException("failed before erasing anything");
        }

        var deleted = Notes(database).DeleteMany(n => n.CustomerId == scope.CustomerId);
        if (control.FailOnceAfterErasing)
        {
            control.FailOnceAfterErasing = false;
            // A message quoting personal data, as a careless library's might: the receipt must not carry it.
            throw new InvalidOperationException($"crashed after erasing the notes of {scope.CustomerId}@example.com");
        }

        return new Dictionary<string, long> { [NotesDeleted] = deleted };
    }
}
