using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Erasure;

namespace ServiceDesk.Notification.Customers;

/// <summary>
/// Every customer's name and address, from their events, kept only for a removal to look for in the messages:
/// a letter to one customer may name another (a ticket's summary or comment), who may never have had a letter of
/// their own to learn the name from. Of a removed customer only keyed tokens of the name and address remain
/// (<see cref="MentionTokens.QueryTokens"/>), so that a ticket text read after the removal, which Ticketing may not
/// have redacted yet, is still known to name them.
/// </summary>
public interface IKnownCustomerStore
{
    /// <summary>
    /// Stores the customer when there is none or an older version, recording the event as handled in the same
    /// transaction; throws <see cref="EventAlreadyHandledException"/> when a delivery of it was recorded before.
    /// A removed customer is never stored again.
    /// </summary>
    Task<bool> KeepFromEventAsync(KnownCustomer customer, EventContext handledEvent, DateTimeOffset handledAt, CancellationToken cancellationToken);

    /// <summary>The customer's name and address; null once they were forgotten (or never known).</summary>
    Task<KnownCustomer?> FindAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps, for good, the query tokens of each of a removed customer's names and addresses (each list one needle's,
    /// its most telling word first), beside any kept before, with the time of the removal (<paramref name="erasedAt"/>).
    /// </summary>
    Task RememberErasedAsync(string customerId, IReadOnlyList<IReadOnlyList<string>> needleTokens, DateTimeOffset erasedAt, CancellationToken cancellationToken);

    /// <summary>Lets go of needles <see cref="RememberErasedAsync"/> kept for the customer (a common phrase, not a reference to them).</summary>
    Task ForgetErasedAsync(string customerId, IReadOnlyList<IReadOnlyList<string>> needleTokens, CancellationToken cancellationToken);

    /// <summary>Deletes the customer's name and address, not their tokens; true when there was a name to delete.</summary>
    Task<bool> ForgetAsync(string customerId, CancellationToken cancellationToken);
}

/// <summary>The rule both stores check a letter's summary by.</summary>
public static class ErasedNames
{
    /// <summary>
    /// Whether a name removed at <paramref name="erasedAtUtc"/> counts for a text written since
    /// <paramref name="writtenSince"/> (null: any time): only for one older than the removal. Tokens kept before
    /// removals had a time (<paramref name="erasedAtUtc"/> null) count for every text.
    /// </summary>
    public static bool CountFor(DateTime? erasedAtUtc, DateTimeOffset? writtenSince) =>
        writtenSince is not { } since || erasedAtUtc is not { } erasedAt || erasedAt > since.UtcDateTime;
}
