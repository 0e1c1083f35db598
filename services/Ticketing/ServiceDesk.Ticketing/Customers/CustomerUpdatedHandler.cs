using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.PersonalData;

namespace ServiceDesk.Ticketing.Customers;

/// <summary>
/// Refreshes the snapshot of a customer tickets refer to. Versions decide, not arrival order: an event older
/// than the stored snapshot changes nothing (and is not even unsealed). Customers without a snapshot are not copied. A destroyed key
/// means the customer was erased: nothing to refresh. The reads and the unsealing (a call to Directory) come
/// first; the snapshot and the event's inbox record are then written in one transaction.
/// </summary>
public sealed class CustomerUpdatedHandler(ICustomerSnapshotStore snapshots, PersonalDataSealer sealer, TimeProvider time) : IIntegrationEventHandler<CustomerUpdated>
{
    public async Task HandleAsync(CustomerUpdated message, EventContext context, CancellationToken cancellationToken)
    {
        var stored = await snapshots.GetManyAsync([message.CustomerId], cancellationToken);
        if (!stored.TryGetValue(message.CustomerId, out var current) || current.Version >= message.Version)
        {
            return;
        }

        CustomerProfile profile;
        try
        {
            profile = await sealer.UnsealAsync(message.Profile, CustomerProfile.Parser, cancellationToken);
        }
        catch (CustomerKeyDestroyedException)
        {
            return;
        }

        await snapshots.RefreshFromEventAsync(
            new CustomerSnapshot(message.CustomerId, profile.DisplayName, profile.Address, [.. message.ProjectKeys], message.Version),
            context,
            time.GetUtcNow(),
            cancellationToken);
    }
}
