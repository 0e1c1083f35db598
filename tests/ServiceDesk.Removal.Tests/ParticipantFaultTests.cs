using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Removal.Tests;

/// <summary>A removal reaches every service once and in the end, whether a service is down at the time or runs as two replicas.</summary>
public sealed class ParticipantFaultTests : IAsyncLifetime
{
    private readonly RemovalSystem _system = new();

    public Task InitializeAsync() => _system.InitializeAsync();

    public Task DisposeAsync() => _system.DisposeAsync();

    [Fact]
    public async Task A_participant_stopped_during_the_removal_completes_it_after_its_restart()
    {
        var project = await _system.NewProjectAsync();
        var agent = await _system.NewSignedInAsync(Role.Agent, null, project);
        var address = $"jane.{Guid.NewGuid():N}@oldco.example";
        var jane = await _system.Customers.CreateCustomerAsync(new CreateCustomerRequest { Address = address, DisplayName = "Jane Away", ProjectKeys = { project } }, _system.Admin);
        var ticket = await _system.Tickets.CreateTicketAsync(new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = jane.Id, Summary = "Login fails" }, agent);
        ErasureRequest request = null!;

        await _system.WithTicketingStoppedAsync(async () =>
        {
            request = await _system.Erasures.RemoveCustomerAsync(new RemoveCustomerRequest { CustomerId = jane.Id, Reason = ErasureReason.ContactMoved }, _system.Admin);
            var meanwhile = await Eventually.WaitForAsync(
                () => _system.Erasures.GetErasureAsync(new GetErasureRequest { ErasureId = request.Id }, _system.Admin).ResponseAsync,
                erasure => erasure.Participants.Count(p => p.State == ParticipantState.Done) == 3,
                "every running service's receipt",
                TimeSpan.FromSeconds(60));
            Assert.Equal(ErasureStatus.InProgress, meanwhile.Status);
            Assert.Equal(ParticipantState.Pending, meanwhile.Participants.Single(p => p.Service == ServiceNames.Ticketing).State);
        });

        var completed = await Eventually.WaitForAsync(
            () => _system.Erasures.GetErasureAsync(new GetErasureRequest { ErasureId = request.Id }, _system.Admin).ResponseAsync,
            erasure => erasure.Status == ErasureStatus.Completed,
            "Ticketing's receipt after its restart",
            TimeSpan.FromSeconds(60));
        Assert.Equal(1, completed.Participants.Single(p => p.Service == ServiceNames.Ticketing).Counts["tickets_anonymized"]);
        var anonymised = await _system.Tickets.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, _system.Admin);
        Assert.True(anonymised.Reporter.Erased);
        Assert.Empty(anonymised.Reporter.Address);
        _system.AssertNoLogHolds(address, "Jane Away");
    }

    [Fact]
    public async Task Two_replicas_of_a_participant_carry_out_a_removal_once_between_them()
    {
        await using var secondReplica = await _system.StartSecondTicketingReplicaAsync();
        var project = await _system.NewProjectAsync();
        var agent = await _system.NewSignedInAsync(Role.Agent, null, project);
        var address = $"jane.{Guid.NewGuid():N}@oldco.example";
        var jane = await _system.Customers.CreateCustomerAsync(new CreateCustomerRequest { Address = address, DisplayName = "Jane Twice", ProjectKeys = { project } }, _system.Admin);
        var ticket = await _system.Tickets.CreateTicketAsync(new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = jane.Id, Summary = "Printer" }, agent);

        var request = await _system.Erasures.RemoveCustomerAsync(new RemoveCustomerRequest { CustomerId = jane.Id, Reason = ErasureReason.ContactMoved }, _system.Admin);
        await Eventually.WaitForAsync(
            () => _system.Erasures.GetErasureAsync(new GetErasureRequest { ErasureId = request.Id }, _system.Admin).ResponseAsync,
            erasure => erasure.Status == ErasureStatus.Completed,
            "every service's receipt",
            TimeSpan.FromSeconds(60));

        var fromTicketing = (await _system.ReceiptsAsync()).Where(r => r.RequestId == request.Id && r.Service == ServiceNames.Ticketing).ToList();
        Assert.Single(fromTicketing);
        Assert.Equal(1, fromTicketing[0].Counts["tickets_anonymized"]);
        Assert.True((await _system.Tickets.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, _system.Admin)).Reporter.Erased);
        _system.AssertNoLogHolds(address, "Jane Twice");
        foreach (var replica in new[] { _system.Ticketing, secondReplica })
        {
            Assert.DoesNotContain("Jane Twice", replica.Logs.All, StringComparison.OrdinalIgnoreCase);
        }
    }
}
