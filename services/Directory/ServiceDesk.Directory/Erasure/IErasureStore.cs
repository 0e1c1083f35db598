using ServiceDesk.Contracts.Directory.V1;
using SealedData = ServiceDesk.Contracts.Events.V1.SealedData;
using ServiceDesk.Directory.Customers;
using Customer = ServiceDesk.Directory.Customers.Customer;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Publishing;

namespace ServiceDesk.Directory.Erasure;

/// <summary>
/// Removal requests, address tombstones and the evidence signing key. A removal is one transaction across
/// Directory's data: the request, the tombstone, the profile with its memberships and search entries, the
/// customer's key, and the outbox event that fans the command out. A LiteDB file is checkpointed after it, so
/// no deleted bytes remain in the file or its log.
/// </summary>
public interface IErasureStore
{
    /// <summary>
    /// In one transaction: writes <paramref name="request"/> (a new one, or the stored one at
    /// <paramref name="replacesVersion"/>), tombstones its <see cref="ErasureRecord.AddressHash"/> and
    /// <paramref name="formerAddresses"/> (the request's <see cref="ErasureRecord.FormerAddressHashes"/>), deletes
    /// <paramref name="customer"/> (only at its version) with its memberships, raising its projects' change stamps
    /// (<see cref="ICustomerStore"/>), destroys the customer's key, stores <paramref name="removalProfile"/> (its key and
    /// sealed copy, until the request completes) and records <paramref name="events"/> in the outbox.
    /// </summary>
    /// <returns>
    /// The change stamps the deletion took; null, having written nothing, when the customer or the stored request
    /// changed meanwhile, or a former address became a customer's or was tombstoned by another removal.
    /// </returns>
    Task<IReadOnlyDictionary<string, long>?> RemoveCustomerAsync(
        ErasureRecord request,
        long? replacesVersion,
        Customer customer,
        IReadOnlyList<FormerAddress> formerAddresses,
        RemovalProfile removalProfile,
        IReadOnlyList<OutgoingEvent> events,
        CancellationToken cancellationToken);

    /// <summary>
    /// After a restore: in one transaction, writes <paramref name="request"/>, a removal the "erasure" stream holds,
    /// unless the store holds that request in another state than awaiting approval; deletes <paramref name="customer"/>
    /// when given (only at its version, raising its projects' change stamps), destroys the customer's key, tombstones
    /// the request's addresses (<see cref="ErasureRecord.TombstonedHashes"/>) and records <paramref name="events"/> in the
    /// outbox. A LiteDB file is checkpointed after it.
    /// </summary>
    /// <returns>The change stamps the deletion took (none without a customer); null, having written nothing, when the
    /// store holds the request already or the customer changed meanwhile.</returns>
    Task<IReadOnlyDictionary<string, long>?> ReapplyRemovalAsync(
        ErasureRecord request, Customer? customer, IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken);

    /// <summary>The sealed final profile of a removal (<see cref="RemovalProfile"/>) its readers are not all done with; null once they are, or before the removal.</summary>
    Task<SealedData?> FindRemovalProfileAsync(string erasureId, CancellationToken cancellationToken);

    /// <summary>Inserts a request that removes nothing yet (a customer's own); false when the customer already has an open request.</summary>
    Task<bool> InsertAwaitingAsync(ErasureRecord request, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="request"/> if the stored one is still at <paramref name="expectedVersion"/>, with
    /// <paramref name="events"/> in the outbox; when <paramref name="liftTombstone"/>, also deletes the tombstones
    /// of its addresses (<see cref="ErasureRecord.TombstonedHashes"/>).
    /// </summary>
    Task<bool> ReplaceAsync(
        ErasureRecord request, long expectedVersion, IReadOnlyList<OutgoingEvent> events, bool liftTombstone, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="request"/> with a participant's receipt folded in if the stored one is still at
    /// <paramref name="expectedVersion"/>, and records the receipt's event <paramref name="handled"/> in the inbox in
    /// the same transaction; when another delivery recorded it first this throws <see cref="EventAlreadyHandledException"/>.
    /// When the receipt leaves every reader of the final profile done (<see cref="ErasureRecord.FinalProfileRead"/>), the
    /// same transaction destroys the key of its <see cref="RemovalProfile"/> and deletes the sealed copy (a LiteDB file
    /// is checkpointed about a second later, or by the next removal's checkpoint if sooner).
    /// </summary>
    Task<bool> FoldReceiptAsync(ErasureRecord request, long expectedVersion, EventContext handled, CancellationToken cancellationToken);

    Task<ErasureRecord?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>The customer's newest request that is not rejected; null when none.</summary>
    Task<ErasureRecord?> FindActiveForCustomerAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>The id of the erasure that tombstoned the address hash; null when the address is not erased.</summary>
    Task<string?> FindErasureOfAddressAsync(string addressHash, CancellationToken cancellationToken);

    /// <summary>Requests newest first (descending id), as <paramref name="query"/> selects them.</summary>
    Task<IReadOnlyList<ErasureRecord>> ListAsync(ErasureQuery query, CancellationToken cancellationToken);

    /// <summary>The requests in progress or failed: those whose participants may be overdue.</summary>
    Task<IReadOnlyList<ErasureRecord>> ListUnderWayAsync(CancellationToken cancellationToken);

    /// <summary>Open requests due before <paramref name="now"/>.</summary>
    Task<long> CountOverdueAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The evidence signing key; <paramref name="candidate"/> is stored and returned when there is none yet.</summary>
    Task<StoredEvidenceKey> GetOrAddEvidenceKeyAsync(StoredEvidenceKey candidate, CancellationToken cancellationToken);

    /// <summary>The evidence signing key, or null before the first export.</summary>
    Task<StoredEvidenceKey?> FindEvidenceKeyAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="rewrapped"/> (the same key wrapped under another KEK) only while the stored key's wrapped
    /// bytes are still <paramref name="read"/>'s: a concurrent re-wrap wins.
    /// </summary>
    Task RewrapEvidenceKeyAsync(StoredEvidenceKey read, StoredEvidenceKey rewrapped, CancellationToken cancellationToken);
}

/// <summary>The evidence signing key: its private half (PKCS#8) wrapped under the KEK <see cref="KekId"/> names.</summary>
public sealed record StoredEvidenceKey(string KeyId, byte[] WrappedPrivateKey, string KekId, DateTimeOffset CreatedAt);

/// <param name="CustomerId">Only requests about this customer (a customer's own list); null for all.</param>
/// <param name="Status">Only requests of this status; null for any.</param>
/// <param name="OverdueAt">Only requests due before this time and not complete; null for any.</param>
/// <param name="ParticipantPendingBefore">
/// Only requests with a participant pending since before this time (<see cref="ErasureRecord.HasOverdueParticipant"/>); null for any.
/// </param>
/// <param name="BeforeId">Only requests older than this one (the previous page's last).</param>
public sealed record ErasureQuery(
    string? CustomerId, ErasureStatus? Status, DateTimeOffset? OverdueAt, DateTimeOffset? ParticipantPendingBefore, string? BeforeId, int Limit);
