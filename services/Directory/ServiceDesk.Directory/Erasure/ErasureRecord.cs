using ServiceDesk.Contracts.Directory.V1;

namespace ServiceDesk.Directory.Erasure;

/// <summary>
/// One removal request as Directory keeps it: ids, codes, counts and timestamps only. The address is present
/// only as its keyed hash (<see cref="AddressHash"/>, set once the profile is removed), so the record itself is
/// no personal data and can be kept, and exported as evidence, after the customer is gone.
/// </summary>
public sealed record ErasureRecord(
    string Id,
    string CustomerId,
    string? AddressHash,
    ErasureMode Mode,
    ErasureReason Reason,
    string? SuccessorCustomerId,
    string RequestedBy,
    string? ApprovedBy,
    ErasureStatus Status,
    DateTimeOffset ReceivedAt,
    DateTimeOffset DueAt,
    DateTimeOffset? CompletedAt,
    IReadOnlyList<ParticipantRecord> Participants,
    DateTimeOffset UpdatedAt,
    long Version,
    ErasureDecision? Rejection = null,
    ErasureDecision? Reinstatement = null)
{
    /// <summary>
    /// The keyed hashes of the former addresses tombstoned with <see cref="AddressHash"/>: those the customer had
    /// before, and the mailbox an address of theirs with a subaddress is delivered to, that no other customer had at the
    /// removal (<see cref="ErasedAddresses.FormerAddressesToTombstoneAsync"/>).
    /// </summary>
    public IReadOnlyList<string> FormerAddressHashes { get; init; } = [];

    /// <summary>Every address hash the request tombstoned, the current address's first; none before the removal.</summary>
    public IReadOnlyList<string> TombstonedHashes => AddressHash is null ? [] : [AddressHash, .. FormerAddressHashes];

    /// <summary>How long the services have to comply, counted from receipt.</summary>
    public static readonly TimeSpan TimeToComply = TimeSpan.FromDays(30);

    /// <summary>Every service that holds a copy of a customer, in the order requests show them.</summary>
    public static readonly IReadOnlyList<string> ParticipantServices =
        [Hosting.ServiceNames.Identity, Hosting.ServiceNames.Directory, Hosting.ServiceNames.Ticketing, Hosting.ServiceNames.Notification];

    /// <summary>
    /// The services that look for the customer's names and addresses, and so read the removal's final profile
    /// (<see cref="RemovalProfile"/>): once both are done its key is destroyed, whatever the others' state.
    /// </summary>
    public static readonly IReadOnlyList<string> FinalProfileReaders = [Hosting.ServiceNames.Ticketing, Hosting.ServiceNames.Notification];

    /// <summary>Whether every reader of the final profile is done with its part.</summary>
    public bool FinalProfileRead => FinalProfileReaders.All(service => Participant(service)?.State == ParticipantState.Done);

    public bool IsOpen => Status is ErasureStatus.AwaitingApproval or ErasureStatus.InProgress or ErasureStatus.Failed;

    public bool IsOverdue(DateTimeOffset now) => Status is ErasureStatus.AwaitingApproval or ErasureStatus.InProgress or ErasureStatus.Failed && now > DueAt;

    /// <summary>
    /// Whether <paramref name="participant"/> has been pending since before <paramref name="pendingBefore"/> (now minus
    /// Erasure:ParticipantTimeout) while the request is under way: its service is down, or its entry stuck.
    /// </summary>
    public bool IsParticipantOverdue(ParticipantRecord participant, DateTimeOffset pendingBefore) =>
        Status is ErasureStatus.InProgress or ErasureStatus.Failed && participant.State == ParticipantState.Pending && participant.UpdatedAt < pendingBefore;

    public bool HasOverdueParticipant(DateTimeOffset pendingBefore) => Participants.Any(participant => IsParticipantOverdue(participant, pendingBefore));

    public ParticipantRecord? Participant(string service) => Participants.FirstOrDefault(participant => participant.Service == service);

    /// <summary>
    /// Folds one service's receipt in. A success is final: a later failure (a late duplicate of an earlier
    /// attempt) does not undo it. The request completes when every service is done, and fails while one has failed.
    /// </summary>
    public ErasureRecord WithReceipt(ParticipantRecord receipt, DateTimeOffset now)
    {
        if (Status is not (ErasureStatus.InProgress or ErasureStatus.Failed) || Participant(receipt.Service) is not { } current
            || current.State == ParticipantState.Done)
        {
            return this;
        }

        return WithParticipants([.. Participants.Select(participant => participant.Service == receipt.Service ? receipt : participant)], now);
    }

    /// <summary>The services not yet done are pending again, for a retry.</summary>
    public ErasureRecord Retried(DateTimeOffset now) =>
        WithParticipants(
            [.. Participants.Select(participant => participant.State == ParticipantState.Done ? participant : participant with { State = ParticipantState.Pending, Error = null, UpdatedAt = now })],
            now);

    private ErasureRecord WithParticipants(IReadOnlyList<ParticipantRecord> participants, DateTimeOffset now)
    {
        var status = participants.All(participant => participant.State == ParticipantState.Done) ? ErasureStatus.Completed
            : participants.Any(participant => participant.State == ParticipantState.Failed) ? ErasureStatus.Failed
            : ErasureStatus.InProgress;
        return (this with
        {
            Participants = participants,
            Status = status,
            CompletedAt = status == ErasureStatus.Completed ? now : null,
        }).Touched(now);
    }

    /// <summary>The next version of the record, changed at <paramref name="now"/>.</summary>
    public ErasureRecord Touched(DateTimeOffset now) => this with { UpdatedAt = now, Version = Version + 1 };

    /// <summary>Of a request id, never of personal data: e.g. "Former customer 7F3A".</summary>
    public static string PseudonymOf(string requestId) =>
        $"Former customer {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(requestId)))[..4]}";
}

/// <summary>One service's part: its state, what it erased by kind, and why it failed (never personal data).</summary>
public sealed record ParticipantRecord(string Service, ParticipantState State, IReadOnlyDictionary<string, long> Counts, string? Error, DateTimeOffset UpdatedAt)
{
    public static ParticipantRecord Pending(string service, DateTimeOffset now) => new(service, ParticipantState.Pending, new Dictionary<string, long>(), null, now);
}

/// <summary>An admin's decision on a request, recorded by account id and reason code.</summary>
public sealed record ErasureDecision(string By, int ReasonCode, DateTimeOffset At);
