using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Testing;
using ServiceDesk.Testing.Forensics;
using Xunit;

namespace ServiceDesk.Ticketing.Tests.Mail;

/// <summary>IngestEmail and IngestRawEmail against real Identity, Directory and Ticketing hosts.</summary>
[Collection(TicketingCollection.Name)]
public sealed class InboundMailTests(TicketingHosts hosts)
{
    private TicketingService.TicketingServiceClient Client => hosts.Client;

    [Fact]
    public async Task A_new_message_from_a_customer_becomes_a_ticket_and_the_same_message_again_creates_nothing()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project);
        var intake = await hosts.MailIntakeAsync();
        var mail = Mail(project, $"Jane <{jane.Address.ToUpperInvariant()}>", "Printer on fire", "It smokes.");

        var first = await Client.IngestEmailAsync(mail, intake);
        var again = await Client.IngestEmailAsync(mail, intake);
        // The same message delivered five times at once: one ticket.
        var racing = Mail(project, jane.Address, "Scanner jammed", "Again.");
        var raced = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Client.IngestEmailAsync(racing, intake).ResponseAsync));

        Assert.Equal(IngestOutcome.TicketCreated, first.Outcome);
        Assert.Equal((IngestOutcome.Duplicate, first.TicketId), (again.Outcome, again.TicketId));
        Assert.Single(raced, answer => answer.Outcome == IngestOutcome.TicketCreated);
        Assert.Single(raced.Select(answer => answer.TicketId).Distinct());
        var tickets = (await Client.ListTicketsAsync(new ListTicketsRequest { ProjectKey = project }, hosts.Admin)).Tickets;
        Assert.Equal([raced[0].TicketId, first.TicketId], tickets.Select(ticket => ticket.Id));
        var ticket = tickets[1];
        Assert.Equal((jane.Id, "Printer on fire", "It smokes."), (ticket.Reporter.CustomerId, ticket.Summary, ticket.Description));
    }

    [Fact]
    public async Task A_raw_reply_becomes_a_comment_on_the_ticket_it_answers_by_its_headers_or_its_subject()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project);
        var intake = await hosts.MailIntakeAsync();
        var otherTicket = await hosts.NewTicketAsync(project, jane.Id);
        var original = MessageId();

        var opened = await Client.IngestRawEmailAsync(Raw(project, RawMessage(jane.Address, "Broken laptop", "The screen is black.", original)), intake);
        var byInReplyTo = await Client.IngestRawEmailAsync(
            Raw(project, RawMessage(jane.Address, "Re: Broken laptop", "Still black.", MessageId(), ("In-Reply-To", original))), intake);
        var byReferences = await Client.IngestRawEmailAsync(
            Raw(project, RawMessage(jane.Address, "Re: Re: Broken laptop", "Any news?", MessageId(), ("References", $"{MessageId()} {original}"))), intake);
        var bySubject = await Client.IngestRawEmailAsync(
            Raw(project, RawMessage(jane.Address, $"About [{otherTicket.Id}]", "Fixed now.", MessageId())), intake);
        var html = await Client.IngestRawEmailAsync(
            Raw(project, RawMessage(jane.Address, "Re: Broken laptop", "<html><head><style>p{}</style></head><body><p>Thanks &amp; bye</p></body></html>", MessageId(),
                ("In-Reply-To", original), ("Content-Type", "text/html; charset=utf-8"))),
            intake);

        Assert.Equal(IngestOutcome.TicketCreated, opened.Outcome);
        Assert.Equal(
            [(IngestOutcome.CommentAdded, opened.TicketId), (IngestOutcome.CommentAdded, opened.TicketId), (IngestOutcome.CommentAdded, otherTicket.Id), (IngestOutcome.CommentAdded, opened.TicketId)],
            new[] { byInReplyTo, byReferences, bySubject, html }.Select(answer => (answer.Outcome, answer.TicketId)));
        var ticket = await Client.GetTicketAsync(new GetTicketRequest { TicketId = opened.TicketId }, hosts.Admin);
        Assert.Equal(("Broken laptop", "The screen is black."), (ticket.Summary, ticket.Description));
        Assert.Equal(["Still black.", "Any news?", "Thanks & bye"], ticket.Comments.Select(comment => comment.Body));
        Assert.All(ticket.Comments, comment => Assert.Equal((jane.Id, "", false), (comment.AuthorCustomerId, comment.AuthorAccountId, comment.Internal)));
        Assert.Equal(["Fixed now."], (await Client.GetTicketAsync(new GetTicketRequest { TicketId = otherTicket.Id }, hosts.Admin)).Comments.Select(comment => comment.Body));
    }

    /// <summary>
    /// A reply's quote is on the ticket already: copied again, its attribution would bring back a customer's name and
    /// address after their removal redacted them from the ticket.
    /// </summary>
    [Fact]
    public async Task A_reply_becomes_a_comment_of_what_its_sender_wrote_without_the_message_it_quotes()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project);
        var intake = await hosts.MailIntakeAsync();
        var ticket = await hosts.NewTicketAsync(project, jane.Id);
        var plain = Mail(project, jane.Address, $"Re: {ticket.Id}",
            $"Thanks, done.\r\n\r\nOn Tue, 1 Dec 2026 at 09:00, Jane Roe\r\n<{jane.Address}> wrote:\r\n> The printer is on fire.\r\n>\r\n> Jane Roe, {jane.Address}\r\n");
        var outlook = Mail(project, jane.Address, $"Re: {ticket.Id}",
            $"Still smoking.\n\n________________________________\nFrom: Jane Roe <{jane.Address}>\nSent: Tuesday, 1 December 2026 09:00\nSubject: Printer\n\nThe printer is on fire.");
        var html = Raw(project, RawMessage(jane.Address, $"Re: {ticket.Id}",
            $"<div>Fire is out.</div><div class=\"gmail_quote\"><div class=\"gmail_attr\">On Tue, Jane Roe &lt;{jane.Address}&gt; wrote:<br></div>"
            + $"<blockquote class=\"gmail_quote\">The printer is on fire.<br>Jane Roe, {jane.Address}</blockquote></div>",
            MessageId(), ("Content-Type", "text/html; charset=utf-8")));

        await Client.IngestEmailAsync(plain, intake);
        await Client.IngestEmailAsync(outlook, intake);
        await Client.IngestRawEmailAsync(html, intake);

        var comments = (await Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, hosts.Admin)).Comments.Select(comment => comment.Body);
        Assert.Equal(["Thanks, done.", "Still smoking.", "Fire is out."], comments);
    }

    [Fact]
    public async Task A_reply_to_someone_else_s_ticket_or_to_a_closed_one_opens_a_new_ticket_instead()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project);
        var mallory = await hosts.NewCustomerAsync("Mallory", project);
        var intake = await hosts.MailIntakeAsync();
        var janes = await hosts.NewTicketAsync(project, jane.Id);
        var closed = await hosts.NewTicketAsync(project, jane.Id);
        await Client.ChangeStatusAsync(new ChangeStatusRequest { TicketId = closed.Id, Status = TicketStatus.Closed }, hosts.Admin);

        var intruding = await Client.IngestEmailAsync(Mail(project, mallory.Address, $"Re: {janes.Id}", "Let me in."), intake);
        var late = await Client.IngestEmailAsync(Mail(project, jane.Address, $"Re: {closed.Id}", "One more thing."), intake);

        Assert.Equal(IngestOutcome.TicketCreated, intruding.Outcome);
        Assert.Equal(IngestOutcome.TicketCreated, late.Outcome);
        Assert.NotEqual(janes.Id, intruding.TicketId);
        Assert.Empty((await Client.GetTicketAsync(new GetTicketRequest { TicketId = janes.Id }, hosts.Admin)).Comments);
        Assert.Equal(mallory.Id, (await Client.GetTicketAsync(new GetTicketRequest { TicketId = intruding.TicketId }, hosts.Admin)).Reporter.CustomerId);
    }

    [Fact]
    public async Task A_reply_found_only_by_the_ticket_id_in_its_subject_lets_none_of_its_copied_recipients_in()
    {
        // Mallory writes as Jane (From is whatever a sender puts there), naming Jane's ticket and copying herself.
        var project = await hosts.NewProjectAsync(acceptMailFromAnyone: true);
        var jane = await hosts.NewCustomerAsync("Jane", project);
        var mallory = await hosts.NewCustomerAsync("Mallory", await hosts.NewProjectAsync());
        var intake = await hosts.MailIntakeAsync();
        var janes = await hosts.NewTicketAsync(project, jane.Id);
        var forged = Mail(project, jane.Address, $"Re: {janes.Id}", "Please add my colleague.");
        forged.Cc.Add(mallory.Address);

        var answer = await Client.IngestEmailAsync(forged, intake);

        Assert.Equal((IngestOutcome.CommentAdded, janes.Id, 0, 0), (answer.Outcome, answer.TicketId, answer.DroppedErasedCc, answer.DroppedUnknownCc));
        Assert.Empty((await Client.GetTicketAsync(new GetTicketRequest { TicketId = janes.Id }, hosts.Admin)).Participants);
        // Not even looked up: she did not join the project either.
        Assert.DoesNotContain(project, (await hosts.FindCustomerAsync(mallory.Address))!.ProjectKeys);
    }

    /// <summary>
    /// Mallory cannot name a message of Jane's thread (she received none), so she plants one: a reply written as Jane and
    /// found by the ticket id in its subject is taken in with the Message-ID she chose, and her second message, naming it,
    /// would be a reply by reference, whose copied recipients join the ticket. The planted id lets nobody in; a reply to
    /// the message that opened the ticket, or to a reply taken in by reference to it, still does.
    /// </summary>
    [Fact]
    public async Task A_reply_naming_a_message_found_only_by_its_subject_lets_none_of_its_copied_recipients_in()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project);
        var john = await hosts.NewCustomerAsync("John", project);
        var joan = await hosts.NewCustomerAsync("Joan", project);
        var mallory = await hosts.NewCustomerAsync("Mallory", project);
        var intake = await hosts.MailIntakeAsync();
        var opening = Mail(project, jane.Address, "Invoice wrong", "Please check.");
        var opened = await Client.IngestEmailAsync(opening, intake);
        var planted = Mail(project, jane.Address, $"Re: {opened.TicketId}", "Thanks.");
        await Client.IngestEmailAsync(planted, intake);
        var forged = Mail(project, jane.Address, "Re: Invoice wrong", "Adding my colleague.");
        forged.InReplyTo = planted.MessageId;
        forged.Cc.Add(mallory.Address);

        var intruding = await Client.IngestEmailAsync(forged, intake);

        Assert.Equal((IngestOutcome.CommentAdded, opened.TicketId), (intruding.Outcome, intruding.TicketId));
        Assert.Empty((await Client.GetTicketAsync(new GetTicketRequest { TicketId = opened.TicketId }, hosts.Admin)).Participants);
        var reply = Mail(project, jane.Address, "Re: Invoice wrong", "Adding John.");
        reply.InReplyTo = opening.MessageId;
        reply.Cc.Add(john.Address);
        await Client.IngestEmailAsync(reply, intake);
        var replyToReply = Mail(project, john.Address, "Re: Re: Invoice wrong", "Adding Joan.");
        replyToReply.References.Add([opening.MessageId, reply.MessageId]);
        replyToReply.InReplyTo = reply.MessageId;
        replyToReply.Cc.Add(joan.Address);
        await Client.IngestEmailAsync(replyToReply, intake);
        var ticket = await Client.GetTicketAsync(new GetTicketRequest { TicketId = opened.TicketId }, hosts.Admin);
        Assert.Equal([john.Id, joan.Id], ticket.Participants.Select(person => person.CustomerId));
        Assert.Equal(["Thanks.", "Adding my colleague.", "Adding John.", "Adding Joan."], ticket.Comments.Select(comment => comment.Body));
    }

    [Theory]
    [InlineData("Re: {0}-\u0661\u0662")]
    [InlineData("Re: {0}-\uFF11\uFF12")]
    [InlineData("Re: {0}-\u0967")]
    public async Task A_ticket_number_in_another_script_s_digits_names_no_ticket(string subject)
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project);
        var intake = await hosts.MailIntakeAsync();
        var text = System.Text.RegularExpressions.Regex.Unescape(string.Format(System.Globalization.CultureInfo.InvariantCulture, subject, project));

        var answer = await Client.IngestEmailAsync(Mail(project, jane.Address, text, "Hello."), intake);

        Assert.Equal(IngestOutcome.TicketCreated, answer.Outcome);
        Assert.Equal(text, (await Client.GetTicketAsync(new GetTicketRequest { TicketId = answer.TicketId }, hosts.Admin)).Summary);
    }

    [Fact]
    public async Task A_project_for_its_customers_only_refuses_unknown_senders_with_the_reason_and_creates_nobody()
    {
        var project = await hosts.NewProjectAsync(acceptMailFromAnyone: false);
        var elsewhere = await hosts.NewProjectAsync();
        var stranger = await hosts.NewCustomerAsync("Stranger", elsewhere);
        var intake = await hosts.MailIntakeAsync();
        var unknown = TestData.Address("unknown");

        var fromUnknown = await Client.IngestEmailAsync(Mail(project, $"Un Known <{unknown}>", "Hello", "Help me."), intake);
        var fromStranger = await Client.IngestEmailAsync(Mail(project, stranger.Address, "Hello", "Help me."), intake);

        foreach (var refused in new[] { fromUnknown, fromStranger })
        {
            Assert.Equal(IngestOutcome.RejectedUnknownSender, refused.Outcome);
            Assert.Equal("", refused.TicketId);
            Assert.Equal($"Project {project} does not accept mail from this sender.", refused.Reason);
        }

        Assert.Null(await hosts.FindCustomerAsync(unknown));
        Assert.Equal([elsewhere], (await hosts.FindCustomerAsync(stranger.Address))!.ProjectKeys);
        Assert.Empty((await Client.ListTicketsAsync(new ListTicketsRequest { ProjectKey = project }, hosts.Admin)).Tickets);
    }

    [Fact]
    public async Task A_project_open_to_anyone_makes_unknown_senders_and_copied_addresses_customers_and_participants()
    {
        var project = await hosts.NewProjectAsync(acceptMailFromAnyone: true);
        var elsewhere = await hosts.NewProjectAsync();
        var colleague = await hosts.NewCustomerAsync("Colleague", elsewhere);
        var intake = await hosts.MailIntakeAsync();
        var sender = TestData.Address("new.person");
        var copied = TestData.Address("copied");
        var mail = Mail(project, $"New Person <{sender}>", "Hello", "First contact.");
        mail.Cc.Add([colleague.Address.ToUpperInvariant(), copied, $"Me Again <{sender}>"]);

        var answer = await Client.IngestEmailAsync(mail, intake);

        Assert.Equal((IngestOutcome.TicketCreated, 0, 0), (answer.Outcome, answer.DroppedErasedCc, answer.DroppedUnknownCc));
        var created = (await hosts.FindCustomerAsync(sender))!;
        Assert.Equal(("New Person", project), (created.DisplayName, string.Join(',', created.ProjectKeys)));
        var copiedCustomer = (await hosts.FindCustomerAsync(copied))!;
        Assert.Equal(("copied", project), (copiedCustomer.DisplayName, string.Join(',', copiedCustomer.ProjectKeys)));
        Assert.Equal(new[] { elsewhere, project }.Order(), (await hosts.FindCustomerAsync(colleague.Address))!.ProjectKeys.Order());
        var ticket = await Client.GetTicketAsync(new GetTicketRequest { TicketId = answer.TicketId }, hosts.Admin);
        Assert.Equal((created.Id, "New Person", sender), (ticket.Reporter.CustomerId, ticket.Reporter.DisplayName, ticket.Reporter.Address));
        Assert.Equal(new[] { colleague.Id, copiedCustomer.Id }.Order(), ticket.Participants.Select(person => person.CustomerId).Order());
    }

    [Fact]
    public async Task Copied_addresses_of_a_project_for_its_customers_only_join_when_they_are_its_customers_and_are_counted_when_dropped()
    {
        var project = await hosts.NewProjectAsync(acceptMailFromAnyone: false);
        var jane = await hosts.NewCustomerAsync("Jane", project);
        var john = await hosts.NewCustomerAsync("John", project);
        var joan = await hosts.NewCustomerAsync("Joan", project);
        var intake = await hosts.MailIntakeAsync();
        var unknown = TestData.Address("unknown");
        var mail = Mail(project, jane.Address, "Hello", "Hi all.");
        mail.Cc.Add([john.Address, unknown]);
        var opened = await Client.IngestEmailAsync(mail, intake);
        var reply = Mail(project, john.Address, "Re: Hello", "Adding Joan.");
        reply.InReplyTo = mail.MessageId;
        reply.Cc.Add(joan.Address);

        var commented = await Client.IngestEmailAsync(reply, intake);

        Assert.Equal((IngestOutcome.TicketCreated, 1), (opened.Outcome, opened.DroppedUnknownCc));
        Assert.Equal((IngestOutcome.CommentAdded, opened.TicketId, 0), (commented.Outcome, commented.TicketId, commented.DroppedUnknownCc));
        var ticket = await Client.GetTicketAsync(new GetTicketRequest { TicketId = opened.TicketId }, hosts.Admin);
        Assert.Equal([john.Id, joan.Id], ticket.Participants.Select(person => person.CustomerId));
        Assert.Equal((john.Id, "Adding Joan."), (ticket.Comments.Single().AuthorCustomerId, ticket.Comments.Single().Body));
        // The comment and the participant it brings are one change.
        Assert.Equal(2, ticket.Version);
        Assert.Null(await hosts.FindCustomerAsync(unknown));
    }

    [Fact]
    public async Task One_message_sent_to_two_projects_is_taken_in_by_each_and_repeated_to_one_is_a_duplicate_there()
    {
        var help = await hosts.NewProjectAsync();
        var billing = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", help, billing);
        var intake = await hosts.MailIntakeAsync();
        var messageId = MessageId();
        IngestEmailRequest To(string project)
        {
            var mail = Mail(project, jane.Address, "Invoice and login", "Both broken.");
            mail.MessageId = messageId;
            return mail;
        }

        var toHelp = await Client.IngestEmailAsync(To(help), intake);
        var toBilling = await Client.IngestEmailAsync(To(billing), intake);
        var again = await Client.IngestEmailAsync(To(billing), intake);

        Assert.Equal((IngestOutcome.TicketCreated, IngestOutcome.TicketCreated), (toHelp.Outcome, toBilling.Outcome));
        Assert.StartsWith($"{billing}-", toBilling.TicketId, StringComparison.Ordinal);
        Assert.Equal((IngestOutcome.Duplicate, toBilling.TicketId), (again.Outcome, again.TicketId));
    }

    [Fact]
    public async Task Message_ids_are_kept_only_as_keyed_hashes()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project);
        var secret = $"held-only-as-hash-{TestData.Id()}";
        var mail = Mail(project, jane.Address, "Hello", "Hi.");
        mail.MessageId = $"<{secret}@mail.example>";

        Assert.Equal(IngestOutcome.TicketCreated, (await Client.IngestEmailAsync(mail, await hosts.MailIntakeAsync())).Outcome);

        Assert.Empty(ForensicScan.Files([hosts.Ticketing.DataDirectory], [secret]));
    }

    [Fact]
    public async Task Mail_for_an_unknown_project_is_not_found()
    {
        var intake = await hosts.MailIntakeAsync();

        await RpcAssert.FailsAsync(StatusCode.NotFound, () => Client.IngestEmailAsync(Mail(TestData.ProjectKey(), TestData.Address(), "Hello", "Hi."), intake));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => Client.IngestRawEmailAsync(Raw(TestData.ProjectKey(), RawMessage(TestData.Address(), "Hello", "Hi.", MessageId())), intake));
    }

    public static TheoryData<string, string[]> BadRequests => new()
    {
        { "Empty", ["project_key", "message_id", "from"] },
        { "Malformed", ["project_key", "from", "cc[1]"] },
        { "TooLong", ["message_id", "in_reply_to", "from", "references[0]", "subject", "body_text", "body_html"] },
        { "TooMany", ["cc", "references"] },
        // Once kept, every such id is the same id: each later message of the project, whoever sent it, was a DUPLICATE, dropped.
        { "MessageIdWithoutId", ["message_id"] },
        { "RawEmpty", ["project_key", "message"] },
        { "RawWithoutMessageIdAndFrom", ["message"] },
        { "RawWithTooManyCc", ["message"] },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_mail_is_invalid_argument_naming_every_bad_field(string row, string[] fields)
    {
        var project = await hosts.NewProjectAsync();
        var intake = await hosts.MailIntakeAsync();
        var longId = new string('m', 999);
        Func<Task> call = row switch
        {
            "Empty" => () => Client.IngestEmailAsync(new IngestEmailRequest(), intake).ResponseAsync,
            "Malformed" => () => Client.IngestEmailAsync(new IngestEmailRequest { ProjectKey = "help", MessageId = MessageId(), From = "Jane <jane at example>", Cc = { TestData.Address(), "nobody" } }, intake).ResponseAsync,
            "TooLong" => () => Client.IngestEmailAsync(
                new IngestEmailRequest
                {
                    ProjectKey = project,
                    MessageId = longId,
                    InReplyTo = longId,
                    From = $"{new string('n', 300)} <{TestData.Address()}>",
                    References = { longId },
                    Subject = new string('s', 999),
                    BodyText = new string('b', 262_145),
                    BodyHtml = new string('h', 262_145),
                },
                intake).ResponseAsync,
            "TooMany" => () => Client.IngestEmailAsync(
                new IngestEmailRequest
                {
                    ProjectKey = project,
                    MessageId = MessageId(),
                    From = TestData.Address(),
                    Cc = { Enumerable.Range(0, 51).Select(i => TestData.Address($"cc{i}")) },
                    References = { Enumerable.Range(0, 51).Select(_ => MessageId()) },
                },
                intake).ResponseAsync,
            "MessageIdWithoutId" => () => Client.IngestEmailAsync(
                new IngestEmailRequest { ProjectKey = project, MessageId = "< >", From = TestData.Address(), Subject = "Hello", BodyText = "Hi." }, intake).ResponseAsync,
            "RawEmpty" => () => Client.IngestRawEmailAsync(new IngestRawEmailRequest(), intake).ResponseAsync,
            "RawWithoutMessageIdAndFrom" => () => Client.IngestRawEmailAsync(
                Raw(project, "To: help@desk.example\r\nSubject: Hello\r\n\r\nNo sender, no id.\r\n"), intake).ResponseAsync,
            "RawWithTooManyCc" => () => Client.IngestRawEmailAsync(
                Raw(project, RawMessage(TestData.Address(), "Hello", "Hi.", MessageId(), ("Cc", string.Join(", ", Enumerable.Range(0, 51).Select(i => TestData.Address($"cc{i}")))))),
                intake).ResponseAsync,
            _ => throw new ArgumentOutOfRangeException(nameof(row), row, "no such row"),
        };

        var error = await Assert.ThrowsAsync<RpcException>(call);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(fields, error.Fields().Distinct());
        Assert.Empty((await Client.ListTicketsAsync(new ListTicketsRequest { ProjectKey = project }, hosts.Admin)).Tickets);
    }

    private static string MessageId() => $"<{Guid.NewGuid():N}@mail.example>";

    /// <summary>Mail is taken, not refused: what a summary or description may not hold is left out of them.</summary>
    [Fact]
    public async Task Control_and_bidi_override_characters_of_a_message_are_left_out_of_its_ticket()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project);

        var taken = await Client.IngestEmailAsync(Mail(project, jane.Address, "Invoice \u202Efdp.exe\u0007", "Line\u0000 one\nLine \u2066two"), await hosts.MailIntakeAsync());

        var ticket = await Client.GetTicketAsync(new GetTicketRequest { TicketId = taken.TicketId }, hosts.Admin);
        Assert.Equal(("Invoice fdp.exe", "Line one\nLine two"), (ticket.Summary, ticket.Description));
    }

    /// <summary>
    /// Directory adds to no project a customer who asked to be removed and awaits an admin's decision: mail from them, or
    /// copying them, to a project open to anyone is refused or dropped as for an erased address. Was: Directory's own
    /// FAILED_PRECONDITION (REMOVAL_AWAITING_APPROVAL) reached the MTA, and with it the bounce to whatever sender the mail named.
    /// </summary>
    [Fact]
    public async Task A_customer_whose_removal_awaits_approval_is_refused_as_an_erased_sender_and_dropped_as_an_erased_copy()
    {
        var theirs = await hosts.NewProjectAsync();
        var open = await hosts.NewProjectAsync(acceptMailFromAnyone: true);
        var jane = await hosts.NewCustomerAsync("Jane", theirs);
        var bob = await hosts.NewCustomerAsync("Bob", open);
        var janes = await hosts.NewSignedInAsync(ServiceDesk.Contracts.Identity.V1.Role.Customer, jane.Id);
        await new ServiceDesk.Contracts.Directory.V1.ErasureService.ErasureServiceClient(hosts.Directory.Channel)
            .RequestOwnRemovalAsync(new ServiceDesk.Contracts.Directory.V1.RequestOwnRemovalRequest(), janes);
        var intake = await hosts.MailIntakeAsync();
        var copying = Mail(open, bob.Address, "Meeting", "See you there.");
        copying.Cc.Add(jane.Address);

        var fromJane = await Client.IngestEmailAsync(Mail(open, jane.Address, "Hello", "Hi."), intake);
        var copied = await Client.IngestEmailAsync(copying, intake);

        Assert.Equal((IngestOutcome.RejectedErasedSender, $"Project {open} does not accept mail from this sender."), (fromJane.Outcome, fromJane.Reason));
        Assert.Equal((IngestOutcome.TicketCreated, 1), (copied.Outcome, copied.DroppedErasedCc));
        Assert.Empty((await Client.GetTicketAsync(new GetTicketRequest { TicketId = copied.TicketId }, hosts.Admin)).Participants);
        Assert.Equal([theirs], (await hosts.FindCustomerAsync(jane.Address))!.ProjectKeys);
    }

    /// <summary>
    /// Staff taking a customer out of a project open to anyone keeps them out: mail from them is refused as from a sender
    /// the project does not take mail from, and a copy to them dropped as unknown, until staff add them again. Was: the
    /// next mail from their address (theirs, or anyone's writing it as the sender) made them a customer of it again, and
    /// with that they read every ticket of theirs there once more.
    /// </summary>
    [Fact]
    public async Task A_customer_staff_took_out_of_a_project_open_to_anyone_is_not_brought_back_by_mail()
    {
        var open = await hosts.NewProjectAsync(acceptMailFromAnyone: true);
        var theirs = await hosts.NewProjectAsync();
        var carol = await hosts.NewCustomerAsync("Carol", open, theirs);
        var bob = await hosts.NewCustomerAsync("Bob", open);
        var intake = await hosts.MailIntakeAsync();
        await hosts.DirectoryClient.RemoveFromProjectAsync(new ServiceDesk.Contracts.Directory.V1.RemoveFromProjectRequest { CustomerId = carol.Id, ProjectKey = open }, hosts.Admin);
        var copying = Mail(open, bob.Address, "Meeting", "See you there.");
        copying.Cc.Add(carol.Address);

        var fromCarol = await Client.IngestEmailAsync(Mail(open, carol.Address, "Let me back in", "Hi."), intake);
        var copied = await Client.IngestEmailAsync(copying, intake);

        Assert.Equal((IngestOutcome.RejectedUnknownSender, $"Project {open} does not accept mail from this sender."), (fromCarol.Outcome, fromCarol.Reason));
        Assert.Equal((IngestOutcome.TicketCreated, 1), (copied.Outcome, copied.DroppedUnknownCc));
        Assert.Empty((await Client.GetTicketAsync(new GetTicketRequest { TicketId = copied.TicketId }, hosts.Admin)).Participants);
        Assert.Equal([theirs], (await hosts.FindCustomerAsync(carol.Address))!.ProjectKeys);

        await hosts.DirectoryClient.AddToProjectAsync(new ServiceDesk.Contracts.Directory.V1.AddToProjectRequest { CustomerId = carol.Id, ProjectKey = open }, hosts.Admin);
        Assert.Equal(IngestOutcome.TicketCreated, (await Client.IngestEmailAsync(Mail(open, carol.Address, "Back again", "Thanks."), intake)).Outcome);
    }

    /// <summary>
    /// Directory learns of a project from Ticketing's ProjectCreated: until it has, mail to the project is UNAVAILABLE, for
    /// the MTA to try again, not refused for good. Was: a new sender refused as unknown, a known one NOT_FOUND with their id.
    /// </summary>
    [Fact]
    public async Task Mail_to_a_project_directory_does_not_know_yet_is_unavailable_to_retry_not_refused()
    {
        var project = TestData.ProjectKey();
        // Stored without its ProjectCreated, so Directory never hears of it.
        await hosts.Ticketing.Services.GetRequiredService<ServiceDesk.Ticketing.Projects.IProjectStore>().InsertAsync(
            new ServiceDesk.Ticketing.Projects.Project(project, "Unannounced", AcceptMailFromAnyone: true, DateTimeOffset.UtcNow), [], default);
        var known = await hosts.NewCustomerAsync("Known", await hosts.NewProjectAsync());
        var intake = await hosts.MailIntakeAsync();
        var stranger = TestData.Address("new.person");

        foreach (var from in new[] { stranger, known.Address })
        {
            var refused = await RpcAssert.FailsAsync(StatusCode.Unavailable, () => Client.IngestEmailAsync(Mail(project, from, "Hello", "Hi."), intake));
            Assert.DoesNotContain(known.Id, refused.Status.Detail, StringComparison.Ordinal);
        }

        Assert.Null(await hosts.FindCustomerAsync(stranger));
    }

    /// <summary>
    /// An address on an internationalised domain, as Directory holds it (its domain's one Unicode spelling), whether the
    /// message spells the domain so or by its A-label: one mailbox, one customer, so a removal's tombstone blocks both.
    /// </summary>
    [Fact]
    public async Task A_sender_on_an_internationalised_domain_is_one_customer_in_either_spelling_of_the_domain()
    {
        var project = await hosts.NewProjectAsync(acceptMailFromAnyone: true);
        var intake = await hosts.MailIntakeAsync();
        var local = $"zo\u00EB.{TestData.Id()[..8]}";
        var unicode = $"{local}@b\u00FCcher.example";
        var aLabel = $"{local}@xn--bcher-kva.example";

        var answers = new[]
        {
            await Client.IngestRawEmailAsync(Raw(project, RawMessage($"Zo\u00EB <{unicode}>", "Hello", "Hi.", MessageId())), intake),
            await Client.IngestRawEmailAsync(Raw(project, RawMessage($"Zo\u00EB <{aLabel}>", "Again", "Hi.", MessageId())), intake),
        }.Select(answer => (answer.Outcome, answer.TicketId)).Concat([(await Client.IngestEmailAsync(Mail(project, aLabel, "Once more", "Hi."), intake)) is var structured ? (structured.Outcome, structured.TicketId) : default]).ToList();

        Assert.All(answers, answer => Assert.Equal(IngestOutcome.TicketCreated, answer.Outcome));
        var zoe = (await hosts.FindCustomerAsync(aLabel))!;
        Assert.Equal(unicode, zoe.Address);
        foreach (var (_, ticketId) in answers)
        {
            Assert.Equal(zoe.Id, (await Client.GetTicketAsync(new GetTicketRequest { TicketId = ticketId }, hosts.Admin)).Reporter.CustomerId);
        }
    }

    /// <summary>
    /// A quoted local part that is an address without its quotes ("zoe.roe"@example.com) is that address; one that is
    /// not ("zoe roe"@example.com) names no address Directory can hold, and is refused saying so.
    /// </summary>
    [Fact]
    public async Task A_quoted_local_part_is_the_address_without_its_quotes_or_refused_as_one_no_customer_can_have()
    {
        var project = await hosts.NewProjectAsync(acceptMailFromAnyone: true);
        var intake = await hosts.MailIntakeAsync();
        var zoe = TestData.Address("zoe.roe");
        var (local, domain) = (zoe[..zoe.IndexOf('@')], zoe[(zoe.IndexOf('@') + 1)..]);

        var structured = await Client.IngestEmailAsync(Mail(project, $"\"{local}\"@{domain}", "Hello", "Hi."), intake);
        var raw = await Client.IngestRawEmailAsync(Raw(project, RawMessage($"Zoe <\"zo\\e.roe\"@{domain}>", "Again", "Hi.", MessageId())), intake);
        var spaced = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.IngestEmailAsync(Mail(project, $"\"zoe roe\"@{domain}", "Hello", "Hi."), intake));
        var rawSpaced = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.IngestRawEmailAsync(Raw(project, RawMessage($"\"zoe roe\"@{domain}", "Hello", "Hi.", MessageId())), intake));

        Assert.Equal((IngestOutcome.TicketCreated, IngestOutcome.TicketCreated), (structured.Outcome, raw.Outcome));
        var customer = (await hosts.FindCustomerAsync(zoe))!;
        foreach (var ticketId in new[] { structured.TicketId, raw.TicketId })
        {
            var reporter = (await Client.GetTicketAsync(new GetTicketRequest { TicketId = ticketId }, hosts.Admin)).Reporter;
            Assert.Equal((customer.Id, zoe), (reporter.CustomerId, reporter.Address));
        }

        Assert.Equal(["from"], spaced.Fields());
        Assert.Equal(["message"], rawSpaced.Fields());
        Assert.All([spaced, rawSpaced], refused => Assert.Contains("quoted local part", refused.DetailsText(), StringComparison.Ordinal));
    }

    /// <summary>A summary or description cut to its length ends before a character that does not fit whole (an emoji's two UTF-16 halves).</summary>
    [Fact]
    public async Task Text_cut_to_its_length_never_keeps_half_a_character()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project);
        var (summary, description) = (new string('s', ServiceDesk.Ticketing.Tickets.Ticket.MaxSummaryLength - 1), new string('d', ServiceDesk.Ticketing.Tickets.Ticket.MaxDescriptionLength - 1));

        var taken = await Client.IngestEmailAsync(Mail(project, jane.Address, $"{summary}\U0001F600 more", $"{description}\U0001F600 more"), await hosts.MailIntakeAsync());

        var ticket = await Client.GetTicketAsync(new GetTicketRequest { TicketId = taken.TicketId }, hosts.Admin);
        Assert.Equal((summary, description), (ticket.Summary, ticket.Description));
    }

    private static IngestEmailRequest Mail(string project, string from, string subject, string body) =>
        new() { ProjectKey = project, MessageId = MessageId(), From = from, Subject = subject, BodyText = body };

    private static IngestRawEmailRequest Raw(string project, string message) =>
        new() { ProjectKey = project, Message = ByteString.CopyFrom(Encoding.UTF8.GetBytes(message)) };

    /// <summary>An RFC 5322 message as an MTA receives it; later headers replace the defaults of the same name.</summary>
    private static string RawMessage(string from, string subject, string body, string messageId, params (string Name, string Value)[] headers)
    {
        var all = new List<(string Name, string Value)>
        {
            ("From", from),
            ("To", "help@desk.example"),
            ("Subject", subject),
            ("Message-ID", messageId),
            ("Date", "Tue, 01 Dec 2026 09:00:00 +0000"),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=utf-8"),
        };
        foreach (var header in headers)
        {
            all.RemoveAll(existing => existing.Name == header.Name);
            all.Add(header);
        }

        return string.Concat(all.Select(header => $"{header.Name}: {header.Value}\r\n")) + "\r\n" + body + "\r\n";
    }
}
