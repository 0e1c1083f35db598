using ServiceDesk.Messaging.Publishing;

namespace ServiceDesk.Messaging.Outbox;

/// <summary>
/// Events recorded in the service's own database, so an event survives the process dying between the state
/// change and the publish. The relay appends them in order, keeps each appended one for the durability window
/// (Redis fsyncs its AOF only once a second, so a host crash, a failover to a lagging replica or a restore from a
/// backup can lose an append), appends it again when Redis restarted and lost it, and then forgets it.
/// </summary>
public interface IOutboxStore
{
    /// <summary>Records events on their own (no other state change to join).</summary>
    Task EnqueueAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken);

    /// <summary>The oldest events not appended yet, in the order they were recorded.</summary>
    Task<IReadOnlyList<OutgoingEvent>> ReadPendingAsync(int limit, CancellationToken cancellationToken);

    /// <summary>The events are in their streams as their records say: keep them for the window. One write; idempotent.</summary>
    Task MarkAppendedAsync(IReadOnlyList<AppendedEvent> appended, CancellationToken cancellationToken);

    /// <summary>
    /// The oldest appended events whose append was made under another Redis run than <paramref name="runId"/>:
    /// Redis restarted since, and they may have to be appended again.
    /// </summary>
    Task<IReadOnlyList<OutgoingEvent>> ReadAppendedUnderOtherRunAsync(string runId, int limit, CancellationToken cancellationToken);

    /// <summary>Forgets events appended under <paramref name="runId"/> before the cut-off; returns how many.</summary>
    Task<int> ForgetAppendedAsync(string runId, DateTimeOffset appendedBefore, CancellationToken cancellationToken);
}

/// <summary>Where and when an event was appended: its entry id, under which Redis run (server process) and when.</summary>
public sealed record AppendRecord(string EntryId, string RunId, DateTimeOffset AppendedAt);

/// <summary>An outbox event and its append.</summary>
public sealed record AppendedEvent(string EventId, AppendRecord Append);
