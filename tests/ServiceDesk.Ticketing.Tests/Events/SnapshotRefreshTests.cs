using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Directory.Keys;
using ServiceDesk.Messaging.Inbox;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Testing;
using ServiceDesk.Ticketing.Customers;
using Xunit;

namespace ServiceDesk.Ticketing.Tests.Events;

/// <summary>
/// Ticketing's snapshot of a customer follows Directory's CustomerUpdated events by version: changes made in
/// Directory show on the tickets, and events older than the snapshot, however late they arrive, change nothing.
/// </summary>
[Collection(TicketingCollection.Name)]
public sealed class SnapshotRefreshTests(TicketingHosts hosts)
{
    [Fact]
    public async Task A_profile_change_in_Directory_shows_on_the_customers_tickets()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane Before", project);
        var ticket = await hosts.NewTicketAsync(project, jane.Id);
        Assert.Equal("Jane Before", ticket.Reporter.DisplayName);
        var moved = TestData.Address("jane");

        await hosts.DirectoryClient.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = jane.Id, DisplayName = "Jane After", Address = moved }, hosts.Admin);

        var refreshed = await Eventually.WaitForAsync(
            () => hosts.Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, hosts.Admin).ResponseAsync,
            current => current.Reporter.DisplayName == "Jane After",
            "the ticket to show the new name");
        Assert.Equal(moved, refreshed.Reporter.Address);
    }

    [Fact]
    public async Task Events_older_than_the_snapshot_change_nothing_whatever_order_they_arrive_in()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane Current", project);
        var ticket = await hosts.NewTicketAsync(project, jane.Id);

        await PublishAndWaitAsync(Updated(jane, version: 5, "Jane Five"), Updated(jane, version: 4, "Jane Four"), Updated(jane, version: 1, "Jane One"));

        var current = await hosts.Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, hosts.Admin);
        Assert.Equal("Jane Five", current.Reporter.DisplayName);
        Assert.Equal(5, (await SnapshotsAsync(jane.Id))[jane.Id].Version);
    }

    [Fact]
    public async Task Customers_no_ticket_refers_to_are_kept_from_their_events_so_a_removal_finds_them_in_any_text()
    {
        var project = await hosts.NewProjectAsync();
        var bystander = await hosts.NewCustomerAsync("Bystander", project);

        await PublishAndWaitAsync(Updated(bystander, version: 2, "Bystander Renamed"));

        var kept = (await SnapshotsAsync(bystander.Id))[bystander.Id];
        Assert.Equal(("Bystander Renamed", bystander.Address, 2L), (kept.DisplayName, kept.Address, kept.Version));
    }

    [Fact]
    public async Task A_snapshot_read_from_Directory_is_completed_by_the_event_of_its_version_and_only_once()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane Given", project);
        var snapshots = hosts.Ticketing.Services.GetRequiredService<ICustomerSnapshotStore>();
        // As a read through Directory's API leaves it: the name and address, nothing of who gave the name or before.
        await snapshots.SaveIfNewerAsync(new CustomerSnapshot(jane.Id, "Jane Chosen", jane.Address, [project], 7), createIfMissing: true, CancellationToken.None);

        await PublishAndWaitAsync(Updated(jane, version: 7, "Jane Chosen", profile =>
        {
            profile.DisplayNameChosenByCustomer = true;
            profile.FormerDisplayNames.Add(new FormerDisplayName { Text = "Jane Given" });
        }));
        await PublishAndWaitAsync(Updated(jane, version: 7, "Jane Chosen"));

        var kept = (await SnapshotsAsync(jane.Id))[jane.Id];
        Assert.Equal((true, true, 7L), (kept.DisplayNameChosenByCustomer, kept.FromEvent, kept.Version));
        Assert.Equal([new PreviousName("Jane Given", false)], kept.History.Names);
    }

    private async Task<IReadOnlyDictionary<string, CustomerSnapshot>> SnapshotsAsync(string customerId) =>
        await hosts.Ticketing.Services.GetRequiredService<ICustomerSnapshotStore>().GetManyAsync([customerId], CancellationToken.None);

    /// <summary>Publishes from Directory's own outbox, as Directory would, and waits until Ticketing handled each.</summary>
    private async Task PublishAndWaitAsync(params Func<Task<IMessage>>[] messages)
    {
        var built = new List<IMessage>();
        foreach (var message in messages)
        {
            built.Add(await message());
        }

        var published = await hosts.Directory.Services.GetRequiredService<IntegrationEvents>().PublishAsync(built, CancellationToken.None);
        var inbox = hosts.Ticketing.Services.GetRequiredService<IInboxStore>();
        await Eventually.WaitForAsync(
            async () => (await Task.WhenAll(published.Select(e => inbox.IsHandledAsync(e.EventId, CancellationToken.None)))).All(handled => handled),
            all => all,
            "Ticketing to handle every published CustomerUpdated");
    }

    private Func<Task<IMessage>> Updated(Customer customer, long version, string displayName, Action<CustomerProfile>? complete = null) => async () =>
    {
        var key = await hosts.Directory.Services.GetRequiredService<ICustomerKeyStore>().GetOrCreateForCustomerAsync(customer.Id, CancellationToken.None);
        var profile = new CustomerProfile { Address = customer.Address, DisplayName = displayName };
        complete?.Invoke(profile);
        return new CustomerUpdated
        {
            CustomerId = customer.Id,
            ProjectKeys = { customer.ProjectKeys },
            Profile = PersonalDataSealer.Seal(key, profile),
            Version = version,
        };
    };
}
