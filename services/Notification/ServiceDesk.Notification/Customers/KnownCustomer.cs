using ServiceDesk.Messaging.PersonalData;

namespace ServiceDesk.Notification.Customers;

/// <summary>A customer's name and address as their latest event carried them (<see cref="IKnownCustomerStore"/>).</summary>
public sealed record KnownCustomer(string CustomerId, string DisplayName, string Address, long Version)
{
    /// <summary>The customer chose <see cref="DisplayName"/> themselves: it may be anyone's.</summary>
    public bool DisplayNameChosenByCustomer { get; init; }

    /// <summary>The names and addresses the customer had before.</summary>
    public ProfileHistory History { get; init; } = ProfileHistory.None;
}
