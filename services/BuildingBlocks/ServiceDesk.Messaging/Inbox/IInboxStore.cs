namespace ServiceDesk.Messaging.Inbox;

/// <summary>The event ids a service has handled, in its own database, so a redelivered event is skipped.</summary>
public interface IInboxStore
{
    Task<bool> IsHandledAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>Idempotent: marking an event twice keeps the first record.</summary>
    Task MarkHandledAsync(string eventId, string family, CancellationToken cancellationToken);

    /// <summary>Forgets events handled before the cut-off (no redelivery can be that old); returns how many.</summary>
    Task<int> PruneAsync(DateTimeOffset handledBefore, CancellationToken cancellationToken);
}
