using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Messaging;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Messaging.Publishing;

namespace ServiceDesk.Testing;

/// <summary>Events appended by hand to a host's streams, as a given service signs them: removal commands, receipts.</summary>
public static class SignedEvents
{
    /// <summary>
    /// Appends <paramref name="message"/> to the streams <paramref name="host"/> reads, published and signed as
    /// <paramref name="asService"/>: Directory by default, the only publisher of removal commands.
    /// </summary>
    public static async Task PublishAsync(ServiceHost host, IMessage message, string asService = ServiceNames.Directory)
    {
        var hostStreams = host.Services.GetRequiredService<EventStreams>();
        var signedAs = new EventStreams(
            host.Services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>(),
            hostStreams.Catalog,
            TestEventKeys.AuthenticatorOf(asService, hostStreams.Catalog),
            host.Services.GetRequiredService<IOptions<MessagingOptions>>());
        var envelope = new EventEnvelope
        {
            EventId = Guid.CreateVersion7().ToString("N"),
            Source = asService,
            OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            Payload = Any.Pack(message),
        };
        await signedAs.AppendAsync(OutgoingEvent.From(hostStreams.Catalog.FamilyOf(message.Descriptor).Name, envelope), wakeSubscribers: true);
    }
}
