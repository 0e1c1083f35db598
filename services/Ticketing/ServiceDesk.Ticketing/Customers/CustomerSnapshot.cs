namespace ServiceDesk.Ticketing.Customers;

/// <summary>
/// Ticketing's copy of a reporter's or participant's profile, as Directory described it at <see cref="Version"/>.
/// One per customer, referenced from tickets by id, so erasing a customer touches one record.
/// </summary>
public sealed record CustomerSnapshot(string CustomerId, string DisplayName, string Address, IReadOnlyList<string> ProjectKeys, long Version);
