using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Notification.Deliveries;
using ServiceDesk.Notification.Erasure;
using ServiceDesk.Notification.Sending;
using ServiceDesk.Testing;
using Xunit;
using DeliveryStatus = ServiceDesk.Contracts.Notification.V1.DeliveryStatus;

namespace ServiceDesk.Notification.Tests.Erasure;

/// <summary>
/// The sender checked suppression before the ledger recorded the removal, writes the pickup file after the plan looked
/// for it, and marks the delivery sent before the apply deletes it: the apply deletes the file all the same (it used to
/// delete only the files the plan had seen).
/// </summary>
[Collection(NotificationCollection.Name)]
public sealed class PickupRaceTests(NotificationHosts hosts)
{
    [Fact]
    public async Task A_letter_written_between_the_plan_and_its_apply_leaves_no_pickup_file()
    {
        var project = await hosts.NewProjectAsync();
        var victim = await hosts.NewCustomerAsync(project, "Olga Racewindow");
        var services = hosts.Notification.Services;
        var store = services.GetRequiredService<IDeliveryStore>();
        var pickup = services.GetRequiredService<PickupDirectory>();
        var messages = services.GetRequiredService<MailMessages>();
        var ledger = services.GetRequiredService<IErasureLedger>();
        var delivery = new Deliveries.Delivery
        {
            Id = $"ev-{Guid.NewGuid():N}/{victim.Id}", TicketId = $"{project}-1", ProjectKey = project,
            RecipientCustomerId = victim.Id, RecipientAddress = victim.Address, RecipientName = victim.DisplayName,
            AddressHash = Erasures.HashOf(victim.Address), Template = "ticket-created",
            Message = new($"[{project}-1] Request received: printer", "Hello Olga Racewindow", "<p>Hello</p>"),
            Status = DeliveryStatus.Queued,
            // Not due: the host's own sender leaves it to this test, which plays the sender's steps.
            NextAttemptAt = DateTimeOffset.UtcNow.AddDays(1), CreatedAt = DateTimeOffset.UtcNow,
        };
        Assert.Equal(1, await store.AddAsync([delivery], default));
        // (sender) Suppression checked: not erased yet.
        Assert.False(await services.GetRequiredService<Suppression>().IsSuppressedAsync(victim.Id, victim.Address, default));

        // (handler) The removal recorded, then planned.
        var command = Erasures.Command(victim);
        var scope = ErasureScope.From(command);
        await ledger.StartAsync(new ErasureRecord(scope.RequestId, scope.CustomerId, scope.AddressHash, scope.Mode, ErasureState.Started, new Dictionary<string, long>(), DateTimeOffset.UtcNow), default);
        await using var di = services.CreateAsyncScope();
        var plan = await di.ServiceProvider.GetRequiredService<ICustomerErasure>().PlanAsync(scope, default);

        // (sender) The message handed on (pickup file written) and the delivery marked sent: it still exists.
        var file = pickup.FileOf(messages.MessageIdOf(delivery.Id));
        await new PickupDirectoryTransport(pickup).SendAsync(messages.Build(delivery, delivery.Message!), default);
        Assert.True(await store.UpdateAsync(delivery with { Status = DeliveryStatus.Sent, Message = null, Attempts = 1, SentAt = DateTimeOffset.UtcNow }, default));

        // (handler) Applied.
        var counts = await plan.ApplyAsync(default);

        Assert.Null(await store.GetAsync(delivery.Id, default));
        Assert.Equal(1, counts[NotificationErasure.PickupFilesDeleted]);
        Assert.False(File.Exists(file), "the erased customer's letter (address and name) is still in the pickup directory after the erasure");
    }
}
