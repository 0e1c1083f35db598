using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Testing;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;
using TicketStatus = ServiceDesk.Contracts.Ticketing.V1.TicketStatus;

namespace ServiceDesk.Ticketing.Tests.Events;

[Collection(TicketingCollection.Name)]
public sealed class TicketEventTests(TicketingHosts hosts, ITestOutputHelper output)
{
    [Fact]
    public async Task A_created_project_reaches_Directory_which_then_takes_customers_in_it()
    {
        var key = TestData.ProjectKey();

        await hosts.Client.CreateProjectAsync(new CreateProjectRequest { Key = key, Name = "Learnt by Directory" }, hosts.Admin);
        await hosts.WaitUntilDirectoryKnowsAsync(key);

        var customer = await hosts.NewCustomerAsync("In the new project", key);
        Assert.Equal([key], customer.ProjectKeys);
        // Directory knowing the project proves the event arrived; once every group has acknowledged it the entry may
        // already be trimmed (it was, once, under load), but it is never there twice.
        var entries = await StreamAsync("projects");
        Assert.True(entries.Count(entry => ((ProjectCreated)entry.Payload).ProjectKey == key) <= 1, "the project's creation was published more than once");
    }

    [Fact]
    public async Task Every_ticket_change_publishes_its_event_with_the_tickets_version_and_no_personal_text()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane Eventful", project);
        var john = await hosts.NewCustomerAsync("John Eventful", project);
        var summary = $"Summary {TestData.Id()}";
        var body = $"Comment body {TestData.Id()}";

        var ticket = await hosts.NewTicketAsync(project, jane.Id, summary);
        await hosts.Client.AddParticipantAsync(new AddParticipantRequest { TicketId = ticket.Id, CustomerId = john.Id }, hosts.Admin);
        var commented = await hosts.Client.AddCommentAsync(new AddCommentRequest { TicketId = ticket.Id, Body = body, Internal = true }, hosts.Admin);
        await hosts.Client.ChangeStatusAsync(new ChangeStatusRequest { TicketId = ticket.Id, Status = TicketStatus.Resolved }, hosts.Admin);
        await hosts.Client.RemoveParticipantAsync(new RemoveParticipantRequest { TicketId = ticket.Id, CustomerId = john.Id }, hosts.Admin);
        // Changes nothing, so publishes nothing.
        await hosts.Client.RemoveParticipantAsync(new RemoveParticipantRequest { TicketId = ticket.Id, CustomerId = john.Id }, hosts.Admin);

        var events = await Eventually.WaitForAsync(
            async () => (await StreamAsync("tickets")).Where(entry => TicketIdOf(entry.Payload) == ticket.Id).ToList(),
            found => found.Count >= 5,
            "five ticket events in the stream");
        output.WriteLine($"{events.Count} events of {ticket.Id} in the tickets stream");

        IMessage[] expected =
        [
            new TicketCreated { TicketId = ticket.Id, ProjectKey = project, ReporterCustomerId = jane.Id, Version = 1 },
            new TicketParticipantAdded { TicketId = ticket.Id, ProjectKey = project, CustomerId = john.Id, Version = 2 },
            new TicketCommented { TicketId = ticket.Id, ProjectKey = project, CommentId = commented.Comments.Single().Id, Internal = true, Version = 3 },
            new TicketStatusChanged
            {
                TicketId = ticket.Id, ProjectKey = project, OldStatus = Contracts.Events.V1.TicketStatus.Open, NewStatus = Contracts.Events.V1.TicketStatus.Resolved, Version = 4,
            },
            new TicketParticipantRemoved { TicketId = ticket.Id, ProjectKey = project, CustomerId = john.Id, Version = 5 },
        ];
        Assert.Equal(expected.Select(Describe), events.Select(entry => Describe(WithoutActor(entry.Payload))));
        Assert.All(events, entry => Assert.Equal("ticketing", entry.Source));
        Assert.All(events, entry => Assert.NotEmpty((string)entry.Payload.Descriptor.FindFieldByName("actor_account_id").Accessor.GetValue(entry.Payload)));

        var raw = events.SelectMany(entry => entry.Raw).ToArray();
        foreach (var personal in new[] { summary, body, "It smokes.", "Jane Eventful", jane.Address, john.Address })
        {
            Assert.False(raw.AsSpan().IndexOf(Encoding.UTF8.GetBytes(personal)) >= 0, $"'{personal}' is readable in the stream entries");
        }
    }

    private sealed record Entry(string Source, IMessage Payload, byte[] Raw);

    private async Task<IReadOnlyList<Entry>> StreamAsync(string family)
    {
        var redis = hosts.Ticketing.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var entries = await redis.StreamRangeAsync(new StreamKeys(hosts.Prefix, family).Stream);
        var registry = TypeRegistry.FromMessages(EventsReflection.Descriptor.MessageTypes);
        return
        [
            .. entries.Select(entry =>
            {
                var envelope = EventEnvelope.Parser.ParseFrom((byte[])entry[EventStreams.EnvelopeField]!);
                return new Entry(envelope.Source, envelope.Payload.Unpack(registry), (byte[])entry[EventStreams.EnvelopeField]!);
            }),
        ];
    }

    private static string? TicketIdOf(IMessage payload) => payload.Descriptor.FindFieldByName("ticket_id")?.Accessor.GetValue(payload) as string;

    /// <summary>The actor is the admin's account id, checked elsewhere; here the rest of the event.</summary>
    private static IMessage WithoutActor(IMessage payload)
    {
        var copy = payload.Descriptor.Parser.ParseFrom(payload.ToByteArray());
        copy.Descriptor.FindFieldByName("actor_account_id")?.Accessor.Clear(copy);
        return copy;
    }

    private static string Describe(IMessage message) => $"{message.Descriptor.Name} {message}";
}
