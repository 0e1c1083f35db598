namespace ServiceDesk.Ticketing.Customers;

/// <summary>
/// Ticketing's copy of a reporter's or participant's profile, as Directory described it at <see cref="Version"/>.
/// One per customer, referenced from tickets by id, so erasing a customer touches one record.
/// </summary>
/// <param name="Erased">The customer was erased: only their pseudonym is left, and no later version replaces it.</param>
public sealed record CustomerSnapshot(string CustomerId, string DisplayName, string Address, IReadOnlyList<string> ProjectKeys, long Version, bool Erased = false)
{
    /// <summary>
    /// What stays of an erased customer: the pseudonym as display name, no address and no projects, at the highest
    /// version, so no CustomerUpdated delivered late (nor a read from Directory) ever brings data back.
    /// </summary>
    public static CustomerSnapshot ErasedAs(string customerId, string pseudonym) => new(customerId, pseudonym, string.Empty, [], long.MaxValue, Erased: true);
}
