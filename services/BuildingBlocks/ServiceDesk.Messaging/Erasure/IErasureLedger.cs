using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Publishing;

namespace ServiceDesk.Messaging.Erasure;

/// <summary>
/// The erasure requests this service has taken on, in its own database: ids, the addresses' keyed hashes and counts,
/// never personal data. It makes handling a request idempotent and tells what a restored store missed.
/// </summary>
public interface IErasureLedger
{
    Task<ErasureRecord?> FindAsync(string requestId, CancellationToken cancellationToken);

    /// <summary>
    /// Records a started request and returns <paramref name="started"/> itself; a request recorded already (by an earlier
    /// or a concurrent run) keeps its record, which is returned instead: the handler tells the two apart by reference.
    /// </summary>
    Task<ErasureRecord> StartAsync(ErasureRecord started, CancellationToken cancellationToken);

    /// <summary>
    /// Records what a started request's erasure is about to erase, before it does: per kind the larger of
    /// <paramref name="planned"/> and the counts recorded. A completed request keeps its record.
    /// </summary>
    Task RecordPlannedAsync(string requestId, IReadOnlyDictionary<string, long> planned, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the request completed and records its receipt in the outbox, in one transaction. The record's counts become,
    /// per kind, the larger of <paramref name="counts"/> and the plan recorded: a concurrent run for the same request
    /// (a replay and a delivery after a restart) may plan after the other run erased, find nothing, and complete first.
    /// A request completed already keeps its first counts; the receipt is built from the record as it stands. The command
    /// event <paramref name="handled"/> (none when the request is replayed from the stream at start) is recorded in the
    /// inbox in the same transaction, so a crash before its acknowledgement does not send the receipt twice; when
    /// another delivery recorded it first this throws <see cref="EventAlreadyHandledException"/> and records nothing.
    /// </summary>
    Task<ErasureRecord> CompleteAsync(
        string requestId,
        IReadOnlyDictionary<string, long> counts,
        DateTimeOffset completedAt,
        Func<ErasureRecord, OutgoingEvent> receipt,
        EventContext? handled,
        CancellationToken cancellationToken);

    Task<bool> IsCustomerErasedAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>Whether a request recorded here holds the hash, as the address or a former one, and was not reinstated.</summary>
    Task<bool> IsAddressErasedAsync(string addressHash, CancellationToken cancellationToken);

    /// <summary>
    /// Records that an admin lifted the request's tombstones: its addresses are no longer erased here. Kept apart from
    /// the request's record, so a reinstatement handled before its request (entries of a batch are handled
    /// concurrently) still counts once the request is recorded. Idempotent.
    /// </summary>
    Task RecordReinstatedAsync(string requestId, DateTimeOffset reinstatedAt, CancellationToken cancellationToken);
}

public enum ErasureState
{
    /// <summary>Recorded; once planned, with the counts its plan gave before the erasure began.</summary>
    Started,

    /// <summary>Erased, with the counts its receipt reports.</summary>
    Completed,
}

/// <summary>
/// One request in a service's ledger. While <see cref="ErasureState.Started"/>, <see cref="Counts"/> are what the plan
/// found before erasing (empty before it), so a run after a crash (which finds nothing left) still reports what was erased.
/// </summary>
public sealed record ErasureRecord(
    string RequestId,
    string CustomerId,
    string AddressHash,
    ErasureMode Mode,
    ErasureState State,
    IReadOnlyDictionary<string, long> Counts,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? CompletedAt = null)
{
    /// <summary>The former addresses Directory tombstoned with <see cref="AddressHash"/>, as keyed hashes.</summary>
    public IReadOnlyList<string> FormerAddressHashes { get; init; } = [];
}
