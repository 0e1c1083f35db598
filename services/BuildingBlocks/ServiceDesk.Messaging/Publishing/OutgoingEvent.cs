using Google.Protobuf;
using ServiceDesk.Contracts.Events.V1;

namespace ServiceDesk.Messaging.Publishing;

/// <summary>An event waiting in a service's outbox: the envelope bytes exactly as they will enter the stream.</summary>
public sealed record OutgoingEvent(string EventId, string Family, string EventType, byte[] Envelope)
{
    public static OutgoingEvent From(string family, EventEnvelope envelope) =>
        new(envelope.EventId, family, envelope.Payload.TypeUrl[(envelope.Payload.TypeUrl.LastIndexOf('/') + 1)..], envelope.ToByteArray());
}
