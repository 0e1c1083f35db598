using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Messaging.Erasure;

/// <summary>
/// One service's part of a customer removal, read once: <see cref="PlanAsync"/> finds what concerns the customer and
/// counts it by kind (e.g. "accounts_deleted": 1); applying the plan erases what it found and counts what it erased,
/// in the same kinds. A dry run plans without applying. Erasing is idempotent: a second plan finds nothing more.
/// </summary>
public interface ICustomerErasure
{
    /// <summary>
    /// What erasing would change now; erases nothing until <see cref="ErasurePlan.ApplyAsync"/>. For a removal (not a
    /// dry run) a service may first record what keeps new copies from being made while it reads (Notification: the
    /// keyed tokens of the name), as the handler records the request in the ledger before planning.
    /// </summary>
    Task<ErasurePlan> PlanAsync(ErasureScope scope, CancellationToken cancellationToken);
}

/// <summary>
/// The result of one read: <paramref name="counts"/> are what applying it is expected to erase. An item changed since
/// the read is erased as it stands by then, so what <see cref="ApplyAsync"/> counts may differ.
/// </summary>
public sealed class ErasurePlan(IReadOnlyDictionary<string, long> counts, Func<CancellationToken, Task<IReadOnlyDictionary<string, long>>> apply)
{
    public IReadOnlyDictionary<string, long> Counts { get; } = counts;

    /// <summary>Erases what the plan found; returns the counts of what it erased.</summary>
    public Task<IReadOnlyDictionary<string, long>> ApplyAsync(CancellationToken cancellationToken) => apply(cancellationToken);
}

/// <summary>
/// Whom to erase and how. <paramref name="AddressHash"/> is <see cref="ErasedAddressHash.Compute"/> of the customer's
/// address; <paramref name="RequestId"/> and <paramref name="Pseudonym"/> are empty in a dry run.
/// </summary>
public sealed record ErasureScope(
    string RequestId, string CustomerId, ErasureMode Mode, string AddressHash, string? SuccessorCustomerId, string Pseudonym)
{
    /// <summary>
    /// The keyed hashes of the former addresses Directory tombstoned with the current one, blocked like it, and of the
    /// mailbox an address of the customer's with a subaddress is delivered to, where no customer had it.
    /// </summary>
    public IReadOnlyList<string> FormerAddressHashes { get; init; } = [];

    /// <summary>
    /// The mailbox each of <paramref name="addresses"/> with a subaddress is delivered to (<c>jane@</c> of
    /// <c>jane+desk@</c>) that Directory tombstoned with the removal (<see cref="FormerAddressHashes"/>: no customer had it
    /// then): the customer's as the address is, so a text naming it, or another tag of it, names them.
    /// </summary>
    public IEnumerable<string> TombstonedMailboxesOf(IEnumerable<string> addresses, TombstonePepper pepper) =>
        addresses.Select(address => EmailAddress.TryParse(address, out var parsed) ? parsed.WithoutSubaddress?.Value : null)
            .OfType<string>()
            .Where(mailbox => FormerAddressHashes.Contains(pepper.HashAddress(mailbox), StringComparer.Ordinal));

    /// <summary>
    /// The customer's profile as Directory held it at the removal, sealed (<see cref="CustomerErasureRequested.FinalProfile"/>):
    /// a service that looks for the customer's names opens it with <see cref="CustomerProfiles.FinalProfileAsync"/>.
    /// Null in a dry run and in commands sent before Directory added it.
    /// </summary>
    public SealedData? FinalProfile { get; init; }

    /// <summary>The keyed digest of the profile <see cref="FinalProfile"/> seals (<see cref="CustomerProfiles.DigestOf"/>); empty when unknown.</summary>
    public byte[] FinalProfileDigest { get; init; } = [];

    public bool IsDryRun => RequestId.Length == 0;

    public static ErasureScope From(CustomerErasureRequested command) => new(
        command.RequestId,
        command.CustomerId,
        command.Mode == ErasureMode.Unspecified ? ErasureMode.Anonymize : command.Mode,
        command.AddressHash,
        string.IsNullOrEmpty(command.SuccessorCustomerId) ? null : command.SuccessorCustomerId,
        command.Pseudonym)
    {
        FormerAddressHashes = [.. command.FormerAddressHashes],
        FinalProfile = command.FinalProfile,
        FinalProfileDigest = command.FinalProfileDigest.ToByteArray(),
    };
}
