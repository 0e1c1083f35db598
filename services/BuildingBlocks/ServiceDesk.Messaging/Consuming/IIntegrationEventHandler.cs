using Google.Protobuf;

namespace ServiceDesk.Messaging.Consuming;

/// <summary>
/// Handles one event type for this service. Store the handler's effects before returning: the entry is
/// acknowledged only then. A handler may see an event again (after a crash before the acknowledgement), so its
/// effects must be idempotent; repeats of an event already recorded as handled are skipped before it runs.
/// Throwing leaves the entry pending for a retry; after the configured attempts it goes to the dead letters.
/// </summary>
public interface IIntegrationEventHandler<in TEvent>
    where TEvent : IMessage
{
    Task HandleAsync(TEvent message, EventContext context, CancellationToken cancellationToken);
}

/// <summary>Where an event came from and how it reached this handler.</summary>
public sealed record EventContext(string EventId, string Source, DateTimeOffset OccurredAt, string Family, string EntryId);
