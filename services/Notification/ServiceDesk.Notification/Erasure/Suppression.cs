using ServiceDesk.Messaging.Erasure;

namespace ServiceDesk.Notification.Erasure;

/// <summary>
/// The suppression list: customers and addresses nobody may notify. It is the erasure ledger (through
/// <see cref="ErasedCustomers"/>), which holds customer ids and keyed hashes of addresses, never an address, and
/// records a removal before it is carried out, so nothing is queued or sent while it runs.
/// </summary>
public sealed class Suppression(ErasedCustomers erased)
{
    public string HashAddress(string address) => erased.HashAddress(address);

    public async Task<bool> IsSuppressedAsync(string customerId, string address, CancellationToken cancellationToken) =>
        await erased.IsCustomerErasedAsync(customerId, cancellationToken) || await IsAddressSuppressedAsync(address, cancellationToken);

    /// <summary>Any letter case or surrounding blanks of an erased address.</summary>
    public Task<bool> IsAddressSuppressedAsync(string address, CancellationToken cancellationToken) => erased.IsAddressErasedAsync(address, cancellationToken);
}
