namespace ServiceDesk.Messaging.Erasure;

/// <summary>
/// Whether a customer or an address has been erased here, from this service's own erasure ledger: a request counts
/// from the moment it is recorded, before its erasure finished, so nothing re-creates what is being erased.
/// </summary>
public sealed class ErasedCustomers(TombstonePepper pepper, IErasureLedger ledger)
{
    /// <summary>HMAC-SHA256(pepper, normalised address), base64url.</summary>
    public string HashAddress(string address) => pepper.HashAddress(address);

    /// <summary>For inbound mail, CC and sending: any letter case or surrounding blanks of an erased address.</summary>
    public Task<bool> IsAddressErasedAsync(string address, CancellationToken ct) =>
        ledger.IsAddressErasedAsync(HashAddress(address), ct);

    public Task<bool> IsCustomerErasedAsync(string customerId, CancellationToken ct) =>
        ledger.IsCustomerErasedAsync(customerId, ct);
}
