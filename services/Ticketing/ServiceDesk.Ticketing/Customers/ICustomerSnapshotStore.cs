using ServiceDesk.Messaging.Consuming;

namespace ServiceDesk.Ticketing.Customers;

/// <summary>The customer snapshots, keyed by customer id; a snapshot never goes back to an older version.</summary>
public interface ICustomerSnapshotStore
{
    /// <summary>
    /// Stores <paramref name="snapshot"/> if it is newer than the stored one, keeping what that one knew of the
    /// customer's names (<see cref="CustomerSnapshot.Succeeding"/>). Without a stored one it is stored only when
    /// <paramref name="createIfMissing"/>. Refused while the erasure ledger holds a removal of the customer, checked in
    /// the write's own transaction, unless it is the removal's own (<see cref="CustomerSnapshot.Erased"/>).
    /// </summary>
    /// <returns>True when the snapshot was written.</returns>
    Task<bool> SaveIfNewerAsync(CustomerSnapshot snapshot, bool createIfMissing, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a snapshot from a customer event as it is when there is none, an older one or one of its version read
    /// from Directory's API (<see cref="CustomerSnapshot.KnowsAsMuchAs"/>), recording the event as handled
    /// in the same transaction (one effect per event); throws <see cref="EventAlreadyHandledException"/> when a
    /// delivery of it was recorded before. Refused, as <see cref="SaveIfNewerAsync"/>, while a removal of the customer is recorded.
    /// </summary>
    /// <returns>True when the snapshot was written.</returns>
    Task<bool> KeepFromEventAsync(CustomerSnapshot snapshot, EventContext handledEvent, DateTimeOffset handledAt, CancellationToken cancellationToken);

    /// <summary>
    /// Returns once every write of <paramref name="customerId"/>'s snapshot under way has ended. A removal calls it after
    /// the ledger recorded it, before reading the snapshot: a write begun before has committed and is read, a later one
    /// sees the removal and is refused, so no name or address the removal does not look for is stored meanwhile.
    /// </summary>
    Task WaitForWritesAsync(string customerId, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, CustomerSnapshot>> GetManyAsync(IReadOnlyCollection<string> customerIds, CancellationToken cancellationToken);
}
