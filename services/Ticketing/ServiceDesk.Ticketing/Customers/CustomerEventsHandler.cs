using Google.Protobuf.Collections;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.PersonalData;

namespace ServiceDesk.Ticketing.Customers;

/// <summary>
/// Keeps a snapshot of every customer, from their created and updated events: a removal looks for the customer's
/// name and address in every ticket's texts, and a customer only named in a text (never reporter or participant)
/// would otherwise have no snapshot to take them from, and be left there. Versions decide, not arrival order: an
/// event older than the stored snapshot changes nothing (and is not even unsealed); one of its version completes a
/// snapshot read from Directory's API with who chose the name and the former names and addresses. A destroyed key, or a customer
/// in this service's erasure ledger, means the customer was erased: nothing is stored. The reads and the unsealing
/// (a call to Directory) come first; the snapshot and the event's inbox record are then written in one transaction.
/// </summary>
public sealed class CustomerEventsHandler(ICustomerSnapshotStore snapshots, CustomerProfiles profiles, TimeProvider time)
    : IIntegrationEventHandler<CustomerCreated>, IIntegrationEventHandler<CustomerUpdated>
{
    public Task HandleAsync(CustomerCreated message, EventContext context, CancellationToken cancellationToken) =>
        KeepAsync(message.CustomerId, message.Profile, message.ProjectKeys, message.Version, context, cancellationToken);

    public Task HandleAsync(CustomerUpdated message, EventContext context, CancellationToken cancellationToken) =>
        KeepAsync(message.CustomerId, message.Profile, message.ProjectKeys, message.Version, context, cancellationToken);

    private async Task KeepAsync(
        string customerId, SealedData sealedProfile, RepeatedField<string> projectKeys, long version, EventContext context, CancellationToken cancellationToken)
    {
        var stored = await snapshots.GetManyAsync([customerId], cancellationToken);
        if ((stored.TryGetValue(customerId, out var current) && current.KnowsAsMuchAs(version))
            || await profiles.UnsealUnlessErasedAsync(customerId, sealedProfile, cancellationToken) is not { } profile)
        {
            return;
        }

        await snapshots.KeepFromEventAsync(
            new CustomerSnapshot(customerId, profile.DisplayName, profile.Address, [.. projectKeys], version)
            {
                DisplayNameChosenByCustomer = profile.DisplayNameChosenByCustomer,
                History = ProfileHistory.Of(profile),
                FromEvent = true,
            },
            context,
            time.GetUtcNow(),
            cancellationToken);
    }
}
