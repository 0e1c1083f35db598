namespace ServiceDesk.Messaging.Erasure;

/// <summary>
/// A write would bring in a customer this service's erasure ledger holds (a ticket naming them, an account of theirs):
/// it was rolled back, nothing is written. Found in the write's own transaction, so also when the removal arrived
/// after the write's callers had checked.
/// </summary>
public sealed class CustomerErasedException(string customerId) : Exception("The customer was erased.")
{
    /// <summary>The customer's own id, as the store keeps it.</summary>
    public string CustomerId { get; } = customerId;
}
