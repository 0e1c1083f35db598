namespace ServiceDesk.Ticketing.Tickets;

/// <summary>
/// A ticket write would bring in a customer this service's erasure ledger holds: it was rolled back, nothing is written.
/// Found in the write's own transaction, so also when the removal arrived after the write's callers had checked.
/// </summary>
public sealed class CustomerErasedException(string customerId) : Exception("The customer was erased; an erased customer takes part in no ticket.")
{
    /// <summary>The customer's own id, as the ticket keeps it.</summary>
    public string CustomerId { get; } = customerId;
}
