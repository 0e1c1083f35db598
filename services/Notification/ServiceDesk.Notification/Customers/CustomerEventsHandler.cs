using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.PersonalData;

namespace ServiceDesk.Notification.Customers;

/// <summary>
/// Keeps every customer's name and address, who chose the name and the former ones, from their created and updated events (<see cref="IKnownCustomerStore"/>),
/// in version order; an erased customer is not stored (<see cref="CustomerProfiles"/>).
/// </summary>
public sealed class CustomerEventsHandler(IKnownCustomerStore customers, CustomerProfiles profiles, TimeProvider time)
    : IIntegrationEventHandler<CustomerCreated>, IIntegrationEventHandler<CustomerUpdated>
{
    public Task HandleAsync(CustomerCreated message, EventContext context, CancellationToken cancellationToken) =>
        KeepAsync(message.CustomerId, message.Profile, message.Version, context, cancellationToken);

    public Task HandleAsync(CustomerUpdated message, EventContext context, CancellationToken cancellationToken) =>
        KeepAsync(message.CustomerId, message.Profile, message.Version, context, cancellationToken);

    private async Task KeepAsync(string customerId, SealedData sealedProfile, long version, EventContext context, CancellationToken cancellationToken)
    {
        if ((await customers.FindAsync(customerId, cancellationToken) is { } known && known.Version >= version)
            || await profiles.UnsealUnlessErasedAsync(customerId, sealedProfile, cancellationToken) is not { } profile)
        {
            return;
        }

        var customer = new KnownCustomer(customerId, profile.DisplayName, profile.Address, version)
        {
            DisplayNameChosenByCustomer = profile.DisplayNameChosenByCustomer,
            History = ProfileHistory.Of(profile),
        };
        await customers.KeepFromEventAsync(customer, context, time.GetUtcNow(), cancellationToken);
    }
}
