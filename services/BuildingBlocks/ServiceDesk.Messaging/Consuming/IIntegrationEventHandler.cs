using Google.Protobuf;

namespace ServiceDesk.Messaging.Consuming;

/// <summary>
/// Handles one event type for this service. Store the handler's effects before returning: the entry is
/// acknowledged only then. Repeats of an event already recorded as handled are skipped before it runs.
/// One effect per event: record the event as handled in the same store transaction as the state change —
/// <see cref="Inbox.LiteDbInboxStore.RecordHandled"/> first thing inside the LiteDB transaction,
/// <see cref="Inbox.MongoInboxStore.RecordHandledAsync"/> with the MongoDB session — after any awaited reads or
/// calls (a LiteDB transaction belongs to its thread). A handler that does not is run again when the process dies
/// between its commit and the acknowledgement, so its effects must then be idempotent.
/// Throwing leaves the entry pending for a retry; after the configured attempts it goes to the dead letters.
/// </summary>
public interface IIntegrationEventHandler<in TEvent>
    where TEvent : IMessage
{
    Task HandleAsync(TEvent message, EventContext context, CancellationToken cancellationToken);
}

/// <summary>Where an event came from and how it reached this handler.</summary>
public sealed record EventContext(string EventId, string Source, DateTimeOffset OccurredAt, string Family, string EntryId)
{
    /// <summary>
    /// Set when the handler's transaction recorded the event as handled (<see cref="Inbox.LiteDbInboxStore.RecordHandled"/>,
    /// <see cref="Inbox.MongoInboxStore.RecordHandledAsync"/>), so the dispatcher does not record it a second time: an
    /// insert that could only fail on the duplicate key. A transaction that does not commit throws through the handler.
    /// </summary>
    public bool RecordedByHandler { get; internal set; }
}

/// <summary>Another delivery of the event recorded it as handled first: this one's transaction must not commit.</summary>
public sealed class EventAlreadyHandledException(string eventId) : Exception($"Event {eventId} was already handled.")
{
    public string EventId { get; } = eventId;
}
