using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Testing;
using StackExchange.Redis;
using Xunit;

namespace ServiceDesk.Removal.Tests;

/// <summary>
/// A removal does not depend on how its messages travel: it is carried out when every pub/sub message is lost,
/// and an update of the customer that arrives after the erasure brings nothing back.
/// </summary>
public sealed class EventDeliveryTests : IAsyncLifetime
{
    private readonly RemovalSystem _system = new();

    public Task InitializeAsync() => _system.InitializeAsync();

    public Task DisposeAsync() => _system.DisposeAsync();

    [SkippableFact]
    public async Task A_removal_is_carried_out_from_the_streams_when_every_pub_sub_message_is_lost()
    {
        Skip.IfNot(_system.OwnsRedis, "Takes PUBLISH away from every client of the server: needs a redis-server of its own, not REDIS_URL's.");
        await using (var redis = await _system.ConnectRedisAsync())
        {
            await redis.GetDatabase().ExecuteAsync("ACL", "SETUSER", "default", "-publish");
            var refused = await Assert.ThrowsAsync<RedisServerException>(() => redis.GetSubscriber().PublishAsync(RedisChannel.Literal("wake-up"), "lost"));
            Assert.StartsWith("NOPERM", refused.Message, StringComparison.Ordinal);
        }

        var (address, name) = UniqueCustomer();
        var project = await _system.NewProjectAsync();
        var agent = await _system.NewSignedInAsync(Contracts.Identity.V1.Role.Agent, null, project);
        var jane = await _system.Customers.CreateCustomerAsync(new CreateCustomerRequest { Address = address, DisplayName = name, ProjectKeys = { project } }, _system.Admin);
        var ticket = await _system.Tickets.CreateTicketAsync(new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = jane.Id, Summary = "Scanner jams" }, agent);

        var request = await _system.Erasures.RemoveCustomerAsync(new RemoveCustomerRequest { CustomerId = jane.Id, Reason = ErasureReason.ContactMoved }, _system.Admin);
        var completed = await _system.WaitForCompletionAsync(request.Id, "every service's receipt, read from the streams alone");

        Assert.All(completed.Participants, participant => Assert.Equal(ParticipantState.Done, participant.State));
        Assert.Equal(1, completed.Participants.Single(p => p.Service == ServiceNames.Ticketing).Counts["tickets_anonymized"]);
        Assert.True((await _system.Tickets.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, agent)).Reporter.Erased);
        _system.AssertNoLogHolds(address, name);
    }

    [Fact]
    public async Task An_update_of_the_customer_delivered_after_the_erasure_brings_nothing_back()
    {
        var (address, name) = UniqueCustomer();
        var lateName = $"Jane Late{Guid.NewGuid():N}"[..17];
        var lateAddress = $"late.{address}";
        var project = await _system.NewProjectAsync();
        var agent = await _system.NewSignedInAsync(Contracts.Identity.V1.Role.Agent, null, project);
        var jane = await _system.Customers.CreateCustomerAsync(new CreateCustomerRequest { Address = address, DisplayName = name, ProjectKeys = { project } }, _system.Admin);
        var bob = await _system.Customers.CreateCustomerAsync(
            new CreateCustomerRequest { Address = $"bob.{Guid.NewGuid():N}@example.org", DisplayName = "Bob Stays", ProjectKeys = { project } }, _system.Admin);
        var hers = await _system.Tickets.CreateTicketAsync(new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = jane.Id, Summary = "Scanner jams" }, agent);
        var his = await _system.Tickets.CreateTicketAsync(new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = bob.Id, Summary = "Monitor flickers" }, agent);

        // Directory publishes her update before the removal; Ticketing gets it only after it erased her.
        StackExchange.Redis.NameValueEntry[] update = [];
        ErasureRequest request = null!;
        await _system.WithTicketingStoppedAsync(async () =>
        {
            await _system.Customers.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = jane.Id, DisplayName = lateName, Address = lateAddress }, _system.Admin);
            update = await _system.HoldBackAsync("customers", envelope => envelope.Payload.Is(CustomerUpdated.Descriptor) && envelope.Payload.Unpack<CustomerUpdated>().CustomerId == jane.Id);
            request = await _system.Erasures.RemoveCustomerAsync(new RemoveCustomerRequest { CustomerId = jane.Id, Reason = ErasureReason.ContactMoved }, _system.Admin);
        });
        await _system.WaitForCompletionAsync(request.Id);

        await _system.DeliverLateAsync("customers", update);
        // Bob's update comes after hers in the same stream: once Ticketing shows it and holds nothing unacknowledged, hers was handled.
        await _system.Customers.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = bob.Id, DisplayName = "Bob Later" }, _system.Admin);
        await Eventually.WaitForAsync(
            async () => ((await _system.Tickets.GetTicketAsync(new GetTicketRequest { TicketId = his.Id }, agent)).Reporter.DisplayName,
                await _system.UnacknowledgedAsync("customers", ServiceNames.Ticketing)),
            state => state == ("Bob Later", 0),
            "Ticketing to handle both late updates",
            TimeSpan.FromSeconds(60));

        var reporter = (await _system.Tickets.GetTicketAsync(new GetTicketRequest { TicketId = hers.Id }, agent)).Reporter;
        Assert.True(reporter.Erased);
        Assert.Equal(string.Empty, reporter.Address);
        Assert.StartsWith("Former customer", reporter.DisplayName, StringComparison.Ordinal);
        var leftovers = await _system.ScanAsync(address, name, lateAddress, lateName);
        Assert.True(leftovers.Count == 0, $"Left at rest:\n{string.Join('\n', leftovers.Take(20))}");
        _system.AssertNoLogHolds(address, name, lateAddress, lateName);
    }

    private static (string Address, string Name) UniqueCustomer()
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        return ($"jane.roe.{unique}@oldco.example", $"Jane Roe{unique}");
    }
}
