using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Messaging.Erasure;

namespace ServiceDesk.Directory.Erasure;

/// <summary>The tombstones of erased addresses: an erased address may not belong to a customer again until an admin reinstates it.</summary>
public sealed class ErasedAddresses(IErasureStore store, TombstonePepper pepper)
{
    public const string PreconditionType = "ADDRESS_ERASED";

    public string HashOf(string address) => pepper.HashAddress(address);

    /// <summary>
    /// FAILED_PRECONDITION when the address was erased; the address itself is never repeated. Only an admin, who
    /// may reinstate it, learns which erasure (the violation's subject, "erasures/ID"): the request's id is where
    /// the erased customer's pseudonym comes from, so an agent who guessed an address would otherwise learn which
    /// pseudonymised tickets were that person's.
    /// </summary>
    public async Task EnsureNotErasedAsync(Caller caller, string address, string field, CancellationToken cancellationToken)
    {
        if (await store.FindErasureOfAddressAsync(HashOf(address), cancellationToken) is { } erasureId)
        {
            throw caller.Role == CallerRole.Admin
                ? new PreconditionFailedException(
                    PreconditionType,
                    $"erasures/{erasureId}",
                    $"The {field} was erased by erasure request '{erasureId}'; an admin must reinstate it (ReinstateAddress) before it can belong to a customer again.")
                : new PreconditionFailedException(
                    PreconditionType,
                    "erasures",
                    $"The {field} was erased; an admin must reinstate it (ReinstateAddress) before it can belong to a customer again.");
        }
    }
}
