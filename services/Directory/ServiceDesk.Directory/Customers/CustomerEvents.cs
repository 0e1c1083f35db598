using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.PersonalData;

namespace ServiceDesk.Directory.Customers;

/// <summary>
/// The integration events of a customer change. They carry ids and memberships in clear; the address and the
/// display name travel only sealed under the customer's own key, so destroying it at removal makes every copy
/// in Redis unreadable.
/// </summary>
public static class CustomerEvents
{
    public static CustomerCreated Created(Customer customer, CustomerKey key) => new()
    {
        CustomerId = customer.Id,
        OrganizationId = customer.OrganizationId ?? string.Empty,
        ProjectKeys = { customer.ProjectKeys },
        Profile = SealedProfile(customer, key),
        Version = customer.Version,
    };

    public static CustomerUpdated Updated(Customer customer, CustomerKey key) => new()
    {
        CustomerId = customer.Id,
        OrganizationId = customer.OrganizationId ?? string.Empty,
        ProjectKeys = { customer.ProjectKeys },
        Profile = SealedProfile(customer, key),
        Version = customer.Version,
    };

    /// <summary>The customer's name and address, current and former, as their events carry them sealed.</summary>
    public static CustomerProfile ProfileOf(Customer customer) =>
        ProfileHistory.ProfileOf(customer.DisplayName, customer.DisplayNameChosenByCustomer, customer.Address, customer.History);

    private static SealedData SealedProfile(Customer customer, CustomerKey key) => PersonalDataSealer.Seal(key, ProfileOf(customer));
}
