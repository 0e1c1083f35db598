using ServiceDesk.Messaging.Consuming;

namespace ServiceDesk.Notification.Customers;

/// <summary>
/// Every customer's name and address, from their events, kept only for a removal to look for in the messages:
/// a letter to one customer may name another (a ticket's summary or comment), who may never have had a letter of
/// their own to learn the name from.
/// </summary>
public interface IKnownCustomerStore
{
    /// <summary>
    /// Stores the customer when there is none or an older version, recording the event as handled in the same
    /// transaction; throws <see cref="EventAlreadyHandledException"/> when a delivery of it was recorded before.
    /// </summary>
    Task<bool> KeepFromEventAsync(KnownCustomer customer, EventContext handledEvent, DateTimeOffset handledAt, CancellationToken cancellationToken);

    Task<KnownCustomer?> FindAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>True when there was one to delete.</summary>
    Task<bool> DeleteAsync(string customerId, CancellationToken cancellationToken);
}
