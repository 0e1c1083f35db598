using ServiceDesk.Hosting.Errors;
using ServiceDesk.Messaging.Erasure;

namespace ServiceDesk.Directory.Erasure;

/// <summary>The tombstones of erased addresses: an erased address may not belong to a customer again until an admin reinstates it.</summary>
public sealed class ErasedAddresses(IErasureStore store, TombstonePepper pepper)
{
    public const string PreconditionType = "ADDRESS_ERASED";

    public string HashOf(string address) => pepper.HashAddress(address);

    /// <summary>
    /// FAILED_PRECONDITION naming the erasure (as the violation's subject, "erasures/ID") when the address was
    /// erased; the address itself is never repeated.
    /// </summary>
    public async Task EnsureNotErasedAsync(string address, string field, CancellationToken cancellationToken)
    {
        if (await store.FindErasureOfAddressAsync(HashOf(address), cancellationToken) is { } erasureId)
        {
            throw new PreconditionFailedException(
                PreconditionType,
                $"erasures/{erasureId}",
                $"The {field} was erased by erasure request '{erasureId}'; an admin must reinstate it (ReinstateAddress) before it can belong to a customer again.");
        }
    }
}
