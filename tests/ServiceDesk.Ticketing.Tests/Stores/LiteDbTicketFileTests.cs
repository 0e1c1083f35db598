using LiteDB;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Testing;
using ServiceDesk.Ticketing.Mail;
using ServiceDesk.Ticketing.Tickets;
using Xunit;
using IngestOutcome = ServiceDesk.Contracts.Ticketing.V1.IngestOutcome;
using TicketStatus = ServiceDesk.Contracts.Ticketing.V1.TicketStatus;

namespace ServiceDesk.Ticketing.Tests.Stores;

/// <summary>A LiteDB file written by an earlier version of the ticket store, opened by this one.</summary>
public sealed class LiteDbTicketFileTests : IDisposable
{
    private readonly LiteDatabase _database = StoreBackends.NewLiteDatabase("ticketing");

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task A_file_with_the_one_customer_index_of_earlier_versions_gets_the_reporter_and_participant_indexes()
    {
        // As earlier versions wrote it: one multikey index of reporter and participants, over a CustomerIds field.
        var tickets = _database.GetCollection("tickets");
        tickets.EnsureIndex("customer_ids", "$.CustomerIds[*]");
        var outbox = new LiteDbOutboxStore(_database);
        var earlier = new LiteDbTicketStore(_database, outbox, new LiteDbErasureLedger(_database, outbox), TicketingStores.Mentions);
        foreach (var (number, reporter, participants) in new[] { (1L, "jane", Array.Empty<string>()), (2L, "john", ["jane"]), (3L, "jane", ["john"]) })
        {
            await earlier.InsertAsync(
                new Ticket(Ticket.IdOf("HELP", number), "HELP", number, $"Summary {number}", "Description", reporter, participants, TicketStatus.Open, [], TestData.Now, TestData.Now, 1),
                [], null, default);
        }

        tickets.DropIndex("reporter_id");
        tickets.DropIndex("participant_ids");
        tickets.EnsureIndex("customer_ids", "$.CustomerIds[*]");
        foreach (var document in tickets.FindAll().ToList())
        {
            document["CustomerIds"] = new BsonArray(new[] { document["ReporterId"] }.Concat(document["ParticipantIds"].AsArray));
            tickets.Update(document);
        }

        var store = new LiteDbTicketStore(_database, outbox, new LiteDbErasureLedger(_database, outbox), TicketingStores.Mentions);

        Assert.Equal(
            ["_id", "list_order", "mention_index", "mention_tokens", "participant_ids", "reporter_id"],
            StoreBackends.IndexNamesOf(_database, "tickets"));
        Assert.Equal(
            [3L, 2L, 1L],
            (await store.ListAsync(new TicketQuery("HELP", null, null, "jane", null, 10), default)).Select(ticket => ticket.Number));
        var concerning = await store.FindConcerningAsync("jane", readReported: false, [], default);
        Assert.Equal(["HELP-2"], concerning.Read.Select(ticket => ticket.Id));
        Assert.Equal(2, concerning.ReportedUnread);
    }

    /// <summary>
    /// Earlier versions did not record whether a comment taken in by mail was found by reference or by its subject alone:
    /// the message that opened a ticket lets a reply's copies in, such a comment does not (it may have been planted).
    /// </summary>
    [Fact]
    public async Task A_message_recorded_by_an_earlier_version_lets_copies_in_only_when_it_opened_its_ticket()
    {
        var outbox = new LiteDbOutboxStore(_database);
        var store = new LiteDbTicketStore(_database, outbox, new LiteDbErasureLedger(_database, outbox), TicketingStores.Mentions);
        var mail = _database.GetCollection("inbound_mail");
        mail.Insert(new BsonDocument { ["_id"] = "opened", ["TicketId"] = "HELP-1", ["Outcome"] = (int)IngestOutcome.TicketCreated });
        mail.Insert(new BsonDocument { ["_id"] = "commented", ["TicketId"] = "HELP-1", ["Outcome"] = (int)IngestOutcome.CommentAdded });

        Assert.Equal(new InboundMail("opened", "HELP-1", IngestOutcome.TicketCreated, LetsCopiesIn: true), await store.FindMailAsync(["opened"], default));
        Assert.Equal(new InboundMail("commented", "HELP-1", IngestOutcome.CommentAdded, LetsCopiesIn: false), await store.FindMailAsync(["commented"], default));
    }
}
