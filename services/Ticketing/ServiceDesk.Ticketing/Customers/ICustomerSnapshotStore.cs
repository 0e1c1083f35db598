using ServiceDesk.Messaging.Consuming;

namespace ServiceDesk.Ticketing.Customers;

/// <summary>The customer snapshots, keyed by customer id; a snapshot never goes back to an older version.</summary>
public interface ICustomerSnapshotStore
{
    /// <summary>
    /// Stores <paramref name="snapshot"/> if it is newer than the stored one, keeping what that one knew of the
    /// customer's names (<see cref="CustomerSnapshot.Succeeding"/>). Without a stored one it is stored only when
    /// <paramref name="createIfMissing"/>.
    /// </summary>
    /// <returns>True when the snapshot was written.</returns>
    Task<bool> SaveIfNewerAsync(CustomerSnapshot snapshot, bool createIfMissing, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a snapshot from a customer event as it is when there is none, an older one or one of its version read
    /// from Directory's API (<see cref="CustomerSnapshot.KnowsAsMuchAs"/>), recording the event as handled
    /// in the same transaction (one effect per event); throws <see cref="EventAlreadyHandledException"/> when a
    /// delivery of it was recorded before.
    /// </summary>
    /// <returns>True when the snapshot was written.</returns>
    Task<bool> KeepFromEventAsync(CustomerSnapshot snapshot, EventContext handledEvent, DateTimeOffset handledAt, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, CustomerSnapshot>> GetManyAsync(IReadOnlyCollection<string> customerIds, CancellationToken cancellationToken);
}
