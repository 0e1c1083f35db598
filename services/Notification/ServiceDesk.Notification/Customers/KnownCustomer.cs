namespace ServiceDesk.Notification.Customers;

/// <summary>A customer's name and address as their latest event carried them (<see cref="IKnownCustomerStore"/>).</summary>
public sealed record KnownCustomer(string CustomerId, string DisplayName, string Address, long Version);
