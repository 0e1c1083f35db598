using System.Diagnostics;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Messaging.Outbox;

namespace ServiceDesk.Messaging.Publishing;

/// <summary>
/// The publish API. A state change and its events are written together: a store calls
/// <see cref="Prepare"/>, records the state change and the prepared events in one transaction of the
/// service's own database (the outbox), then calls <see cref="WakeRelay"/>. Events that accompany no state
/// change go through <see cref="PublishAsync"/>. Either way the outbox relay appends them to the family's
/// Redis stream, retrying until Redis takes them.
/// </summary>
public sealed class IntegrationEvents(EventCatalog catalog, IOutboxStore outbox, OutboxSignal relay, ServiceInfo service, TimeProvider time)
{
    public OutgoingEvent Prepare(IMessage message)
    {
        var family = catalog.FamilyOf(message.Descriptor);
        if (!family.Publishers.Contains(service.Name, StringComparer.Ordinal))
        {
            // Its consumers would refuse it as unauthenticated: a mistake of the code, not of the moment.
            throw new InvalidOperationException($"{service.Name} is not a publisher of the {family.Name} family ({message.Descriptor.FullName}).");
        }

        var envelope = new EventEnvelope
        {
            EventId = Guid.CreateVersion7(time.GetUtcNow()).ToString("N"),
            Source = service.Name,
            OccurredAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
            Payload = Any.Pack(message),
            Traceparent = Activity.Current?.Id ?? string.Empty,
        };
        return OutgoingEvent.From(family.Name, envelope);
    }

    public async Task<IReadOnlyList<OutgoingEvent>> PublishAsync(IReadOnlyList<IMessage> messages, CancellationToken cancellationToken)
    {
        var events = messages.Select(Prepare).ToList();
        await outbox.EnqueueAsync(events, cancellationToken);
        WakeRelay();
        return events;
    }

    public Task<IReadOnlyList<OutgoingEvent>> PublishAsync(IMessage message, CancellationToken cancellationToken) =>
        PublishAsync([message], cancellationToken);

    public void WakeRelay() => relay.Signal.Wake();
}
