using ServiceDesk.Messaging.Erasure;

namespace ServiceDesk.Notification.Deliveries;

/// <summary>
/// The outbox of messages and the delivery log, one record per message. With each delivery the store keeps the
/// <see cref="MentionTokens"/> of its ticket summary (<see cref="Delivery.MentionTexts"/>), written when
/// it is added and left as they are by updates.
/// </summary>
public interface IDeliveryStore
{
    /// <summary>
    /// Stores the deliveries whose id is new; a repeat of one already stored changes nothing. Each is checked in its own
    /// transaction, after its write: one to a suppressed recipient (the erasure ledger holds the customer, or the
    /// address's keyed hash) is not stored, and one whose ticket summary holds every token of a removed customer's name
    /// or address (<see cref="Customers.IKnownCustomerStore.RememberErasedAsync"/>) fails the call. A removal recorded
    /// meanwhile so either refuses a delivery or finds it (<see cref="WaitForWritesAsync"/>).
    /// </summary>
    /// <returns>How many were stored.</returns>
    /// <exception cref="SummaryNamesErasedException">The deliveries before the one refused are stored, it and those after it are not.</exception>
    Task<int> AddAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken);

    /// <summary>
    /// Returns once every delivery write begun before it has ended. An erasure calls it after recording what it will
    /// look for (the ledger's request, the removed names): a write ending later is checked against that record, so
    /// what the erasure reads next is every delivery that concerns the customer.
    /// </summary>
    Task WaitForWritesAsync(CancellationToken cancellationToken);

    Task<Delivery?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Queued deliveries whose next attempt is due at <paramref name="now"/>, the earliest first.</summary>
    Task<IReadOnlyList<Delivery>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>The earliest next attempt of a queued delivery; null when none is queued.</summary>
    Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Takes a due delivery for one sender: its next attempt moves to <paramref name="until"/>, only if no other
    /// replica moved it since it was read. A sender that dies while holding it leaves it due again then.
    /// </summary>
    /// <returns>False when another replica took it, or it is gone.</returns>
    Task<bool> TryLeaseAsync(Delivery delivery, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Replaces the stored delivery of the same id; never brings back one deleted meanwhile (an erasure).</summary>
    /// <returns>False when it no longer exists.</returns>
    Task<bool> UpdateAsync(Delivery delivery, CancellationToken cancellationToken);

    /// <summary>The log matching <paramref name="query"/>, newest first.</summary>
    Task<IReadOnlyList<Delivery>> ListAsync(DeliveryQuery query, CancellationToken cancellationToken);

    /// <summary>Every delivery to the customer or to the address of this keyed hash, whatever its state.</summary>
    Task<IReadOnlyList<Delivery>> ListToRecipientAsync(string customerId, string addressHash, CancellationToken cancellationToken);

    /// <summary>
    /// Every delivery whose ticket summary held all of one set of <see cref="MentionTokens"/> (a needle's
    /// <see cref="MentionTokens.QueryTokens"/>) when it was added
    /// (the tokens stay after the message is dropped: its pickup file may still hold it), and every delivery stored
    /// without tokens.
    /// </summary>
    Task<IReadOnlyList<Delivery>> ListMentioningAsync(IReadOnlyCollection<IReadOnlyList<string>> tokenSets, CancellationToken cancellationToken);

    /// <summary>Gives up to <paramref name="limit"/> deliveries stored without current mention tokens the tokens of <paramref name="textsOf"/> them.</summary>
    /// <returns>How many such deliveries it found: 0 once every delivery has them.</returns>
    Task<int> IndexMentionsAsync(int limit, Func<Delivery, IEnumerable<string?>> textsOf, CancellationToken cancellationToken);

    /// <returns>How many were deleted.</returns>
    Task<int> DeleteAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken);
}

/// <param name="ProjectKeys">Only deliveries of these projects; null for every project.</param>
/// <param name="BeforeListOrder">Only deliveries ordered before this one (the previous page's last).</param>
public sealed record DeliveryQuery(
    string? TicketId, string? RecipientCustomerId, IReadOnlySet<string>? ProjectKeys, string? BeforeListOrder, int Limit);
