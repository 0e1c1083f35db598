using ServiceDesk.Messaging.Publishing;

namespace ServiceDesk.Messaging.Outbox;

/// <summary>
/// Events recorded in the service's own database, so an event survives the process dying between the state
/// change and the publish. The relay publishes them in order and then removes them.
/// </summary>
public interface IOutboxStore
{
    /// <summary>Records events on their own (no other state change to join).</summary>
    Task EnqueueAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken);

    /// <summary>The oldest unpublished events, in the order they were recorded.</summary>
    Task<IReadOnlyList<OutgoingEvent>> ReadPendingAsync(int limit, CancellationToken cancellationToken);

    /// <summary>The event is in the stream: forget it. Idempotent.</summary>
    Task MarkPublishedAsync(string eventId, CancellationToken cancellationToken);
}
