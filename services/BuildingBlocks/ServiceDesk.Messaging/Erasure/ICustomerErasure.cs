using ServiceDesk.Contracts.Events.V1;

namespace ServiceDesk.Messaging.Erasure;

/// <summary>
/// One service's part of a customer removal. EraseAsync must be idempotent (a second run changes nothing more).
/// Both return counts by kind (e.g. "accounts_deleted": 1), the same kinds for the dry run and the real one.
/// </summary>
public interface ICustomerErasure
{
    /// <summary>What <see cref="EraseAsync"/> would count now; changes nothing.</summary>
    Task<IReadOnlyDictionary<string, long>> PreviewAsync(ErasureScope scope, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, long>> EraseAsync(ErasureScope scope, CancellationToken cancellationToken);
}

/// <summary>
/// Whom to erase and how. <paramref name="AddressHash"/> is <see cref="ErasedAddressHash.Compute"/> of the customer's
/// address; <paramref name="RequestId"/> and <paramref name="Pseudonym"/> are empty in a dry run.
/// </summary>
public sealed record ErasureScope(
    string RequestId, string CustomerId, ErasureMode Mode, string AddressHash, string? SuccessorCustomerId, string Pseudonym)
{
    public static ErasureScope From(CustomerErasureRequested command) => new(
        command.RequestId,
        command.CustomerId,
        command.Mode == ErasureMode.Unspecified ? ErasureMode.Anonymize : command.Mode,
        command.AddressHash,
        string.IsNullOrEmpty(command.SuccessorCustomerId) ? null : command.SuccessorCustomerId,
        command.Pseudonym);
}
