using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Hosting.Validation;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Ticketing.Customers;
using ServiceDesk.Ticketing.Erasure;
using ServiceDesk.Ticketing.Projects;
using ServiceDesk.Ticketing.Tickets;
using Project = ServiceDesk.Ticketing.Projects.Project;
using Ticket = ServiceDesk.Ticketing.Tickets.Ticket;
using TicketStatus = ServiceDesk.Contracts.Ticketing.V1.TicketStatus;

namespace ServiceDesk.Ticketing.Mail;

/// <summary>
/// Inbound mail: a reply from a customer of a ticket becomes a comment on it (what they wrote, without the message
/// they quote: <see cref="ReplyText"/>), any other message a new ticket.
/// Senders and copied recipients are resolved in Directory by address; an unknown one becomes a customer of the
/// project only when the project accepts mail from anyone. The message's id is recorded, as a keyed hash, with
/// the ticket change it caused, so a repeat changes nothing. What it stores names no removed customer that Ticketing
/// keeps the names of (<see cref="ErasedName"/>): a message forwarding an old one, or quoting it in a way
/// <see cref="ReplyText"/> does not know, gets the removal's pseudonym in their place.
/// </summary>
public sealed class MailIntake(
    IProjectStore projects, ITicketStore tickets, TicketService ticketService, DirectoryCustomers customers, ErasedCustomers erased, MessageIds messageIds,
    MentionTokens mentions)
{
    /// <summary>
    /// How often a message is written again after a removal kept names its texts hold between their check and their write:
    /// each time means another removal meanwhile.
    /// </summary>
    private const int WritesAfterRemovals = 3;

    private const string NoSubject = "(no subject)";
    private const string EmptyMessage = "(empty message)";

    public async Task<IngestEmailResponse> IngestAsync(Caller caller, string projectKey, IncomingEmail mail, CancellationToken cancellationToken)
    {
        var project = await projects.GetAsync(projectKey, cancellationToken) ?? throw new NotFoundException("project", projectKey, "project_key");
        // One recorded by an earlier version for every project at once may be another project's.
        if (await tickets.FindMailAsync(messageIds.Candidates(project.Key, [mail.MessageId]), cancellationToken) is { } seen && seen.TicketId.StartsWith($"{project.Key}-", StringComparison.Ordinal))
        {
            return Duplicate(seen);
        }

        var sender = await ResolveAsync(project, mail.From, cancellationToken);
        if (sender.Customer is not { } reporter)
        {
            return Refused(sender.Outcome, project);
        }

        var response = new IngestEmailResponse();
        var (replied, byReference, threadTicketId) = await RepliedTicketAsync(project, mail, reporter.CustomerId, cancellationToken);
        // Anyone can write a ticket's id into a subject, under any From: a reply found only by it, or by a message that was
        // (whose Message-ID its writer chose), comments in the sender's name but lets none of its copied recipients into
        // the ticket (nor are they looked up).
        var participants = new List<string>();
        foreach (var copied in replied is not null && !byReference ? [] : mail.Cc.DistinctBy(mailbox => mailbox.Address).Where(mailbox => mailbox.Address != mail.From.Address))
        {
            var resolved = await ResolveAsync(project, copied, cancellationToken);
            switch (resolved.Outcome)
            {
                case IngestOutcome.RejectedErasedSender:
                    response.DroppedErasedCc++;
                    break;
                case IngestOutcome.RejectedUnknownSender:
                    response.DroppedUnknownCc++;
                    break;
                default:
                    participants.Add(resolved.Customer!.CustomerId);
                    break;
            }
        }

        participants = [.. participants.Distinct().Where(id => id != reporter.CustomerId)];
        var messageHash = messageIds.Hash(project.Key, mail.MessageId);
        // A message answering a ticket's thread, taken in as a comment or, where it may not be one there (the ticket closed,
        // not the sender's, or deleted with its removed reporter), as a new ticket, is what its sender wrote: the message it
        // quotes is the ticket's, and would bring back a removed customer's name and address in its attribution.
        var readable = ReadableBody(mail.Body);
        var body = threadTicketId is null ? readable : ReplyText.NewPart(readable);
        // Its subject, too, is the thread's ("Re: …"): the ticket's summary as it was before a removal redacted it there.
        var summary = threadTicketId is null ? mail.Subject : ReplySummary(project, threadTicketId);
        // Mail is taken, not refused: what a summary or description may not hold is left out.
        IReadOnlyList<MailText> texts = replied is null
            ? [new(summary, ReadableText.FitsOneLine, Ticket.MaxSummaryLength, NoSubject), new(body, ReadableText.FitsLines, Ticket.MaxDescriptionLength, string.Empty)]
            : [new(body, ReadableText.FitsLines, Ticket.MaxCommentLength, EmptyMessage)];
        texts = await WithoutErasedNamesAsync(texts, cancellationToken);
        // A copied customer erased between the look-up and the write is dropped as one erased before it.
        for (var write = 1; ; write++)
        {
            try
            {
                return await TakeInAsync(caller, project, texts, reporter.CustomerId, replied, byReference, participants, messageHash, response, cancellationToken);
            }
            catch (CustomerErasedException erasedMeanwhile) when (erasedMeanwhile.CustomerId != reporter.CustomerId)
            {
                participants.Remove(erasedMeanwhile.CustomerId);
                response.DroppedErasedCc++;
            }
            catch (CustomerErasedException)
            {
                return Refused(IngestOutcome.RejectedErasedSender, project);
            }
            catch (DuplicateMailException)
            {
                // The same message, delivered twice at once: the other delivery took it in.
                return Duplicate((await tickets.FindMailAsync([messageHash], cancellationToken))!);
            }
            catch (TextNamesErasedException) when (write <= WritesAfterRemovals)
            {
                texts = await WithoutErasedNamesAsync(texts, cancellationToken);
            }
            catch (TextNamesErasedException)
            {
                throw new UnavailableException("Customers named in this message are being removed; deliver it again later.");
            }
        }
    }

    /// <summary>
    /// The texts with every kept spelling of a removed customer's name or address replaced by the removal's pseudonym
    /// (<see cref="MentionTokens.ReplaceWordRuns"/>), in the whole texts: each is cut to its field's length as it is written.
    /// Replaced in the text as given, where a character its field leaves out may separate the name's words (a zero-width
    /// space, a direction mark, a control character: <c>Jane&lt;U+200B&gt;Roe</c> in a subject, stored as <c>JaneRoe</c>),
    /// and again in the text as stored, where leaving one out may make the name (<c>Ja&lt;U+0007&gt;ne Roe</c>).
    /// </summary>
    private async Task<IReadOnlyList<MailText>> WithoutErasedNamesAsync(IReadOnlyList<MailText> texts, CancellationToken cancellationToken)
    {
        var names = await tickets.ListErasedNamesAsync(mentions.Of(texts.SelectMany(text => new[] { text.Given, text.Whole })), cancellationToken);
        if (names.Count == 0)
        {
            return texts;
        }

        var runs = names.Select(name => name.Run).ToList();
        return [.. texts.Select(text => text with { Whole = mentions.ReplaceWordRuns(text.Readable(mentions.ReplaceWordRuns(text.Given, runs)), runs) })];
    }

    /// <summary>
    /// The body without what a description or comment may not hold (<see cref="ReadableText.FitsLines"/>), where one such
    /// character stood between two letters or digits a zero-width space instead: it shows as the character did (nothing)
    /// and separates the words as it did. Left out, the words ran together, and a removed customer's name written with a
    /// direction character for its space was stored as one word, which no kept name matches.
    /// </summary>
    private static string ReadableBody(string body)
    {
        if (body.All(ReadableText.FitsLines))
        {
            return body;
        }

        var kept = new StringBuilder(body.Length);
        for (var index = 0; index < body.Length; index++)
        {
            if (ReadableText.FitsLines(body[index]))
            {
                kept.Append(body[index]);
                continue;
            }

            var next = index + 1;
            while (next < body.Length && !ReadableText.FitsLines(body[next]))
            {
                next++;
            }

            if (kept.Length > 0 && char.IsLetterOrDigit(kept[^1]) && next < body.Length && char.IsLetterOrDigit(body[next]))
            {
                kept.Append(WordSeparator);
            }

            index = next - 1;
        }

        return kept.ToString();
    }

    private const char WordSeparator = '\u200B';

    /// <param name="texts">The comment's body, or the new ticket's summary and description.</param>
    /// <param name="byReference">A reply found by a message it names (its copies join), not by its subject alone.</param>
    private async Task<IngestEmailResponse> TakeInAsync(
        Caller caller, Project project, IReadOnlyList<MailText> texts, string reporterId, Ticket? replied, bool byReference, List<string> participants,
        string messageHash, IngestEmailResponse response, CancellationToken cancellationToken)
    {
        if (replied is not null)
        {
            var commented = await ticketService.CommentFromMailAsync(
                caller, replied.Id, reporterId, participants, texts[0].Text, new InboundMail(messageHash, replied.Id, IngestOutcome.CommentAdded, LetsCopiesIn: byReference), cancellationToken);
            response.Outcome = IngestOutcome.CommentAdded;
            response.TicketId = commented.Id;
        }
        else
        {
            var opened = await ticketService.OpenFromMailAsync(
                caller,
                project.Key,
                reporterId,
                participants,
                texts[0].Text,
                texts[1].Text,
                ticketId => new InboundMail(messageHash, ticketId, IngestOutcome.TicketCreated, LetsCopiesIn: true),
                cancellationToken);
            response.Outcome = IngestOutcome.TicketCreated;
            response.TicketId = opened.Id;
        }

        return response;
    }

    /// <summary>
    /// One reason for both refusals: it reaches the bounce, which goes to whatever envelope sender the mail names, and
    /// would otherwise tell anyone which addresses were erased here (as <c>IsSuppressed</c> tells admins only). The
    /// outcome, for the MTA's log, says which.
    /// </summary>
    private static IngestEmailResponse Refused(IngestOutcome outcome, Project project) => new()
    {
        Outcome = outcome,
        Reason = $"Project {project.Key} does not accept mail from this sender.",
    };

    private static IngestEmailResponse Duplicate(InboundMail seen) => new() { Outcome = IngestOutcome.Duplicate, TicketId = seen.TicketId };

    /// <summary>
    /// The customer behind a mailbox, as a customer of the project: known ones join the project, and unknown
    /// ones are created, only when it accepts mail from anyone. The outcome says why there is none: an address
    /// erased here (this service's erasure ledger) or in Directory, or one the project does not take mail from.
    /// </summary>
    private async Task<(CustomerSnapshot? Customer, IngestOutcome Outcome)> ResolveAsync(Project project, Mailbox mailbox, CancellationToken cancellationToken)
    {
        // Before Directory is asked: an erased address is never looked up, let alone re-created.
        if (await erased.IsAddressErasedAsync(mailbox.Address, cancellationToken))
        {
            return (null, IngestOutcome.RejectedErasedSender);
        }

        var customer = await customers.FindByAddressAsync(mailbox.Address, cancellationToken);
        // A subaddress of an erased address (jane+desk@ of jane@) reaches the erased mailbox: it brings no customer back.
        // One Directory holds already is that customer's own address, and stays theirs.
        if (customer is null && EmailAddress.TryParse(mailbox.Address, out var address) && address.WithoutSubaddress is { } reached
            && await erased.IsAddressErasedAsync(reached.Value, cancellationToken))
        {
            return (null, IngestOutcome.RejectedErasedSender);
        }

        if (customer is null && project.AcceptMailFromAnyone)
        {
            customer = await customers.CreateAsync(mailbox.Address, await NewCustomerNameAsync(mailbox, cancellationToken), project.Key, cancellationToken);
            if (customer is null)
            {
                return (null, IngestOutcome.RejectedErasedSender);
            }
        }

        if (customer is null || !(customer.ProjectKeys.Contains(project.Key) || project.AcceptMailFromAnyone))
        {
            return (null, IngestOutcome.RejectedUnknownSender);
        }

        if (customer.ProjectKeys.Contains(project.Key))
        {
            return (customer, IngestOutcome.Unspecified);
        }

        // Directory adds no customer whose removal awaits approval (to an agent, their address is an erased one), nor one
        // removed since the look-up: refused as erased, so that its own refusal, which tells why, never reaches the bounce.
        // Nor one staff took out of the project: refused as a sender the project does not take mail from, which they are.
        var (joined, takenOutByStaff) = await customers.JoinProjectAsync(customer.CustomerId, project.Key, cancellationToken);
        return joined is not null
            ? (joined, IngestOutcome.Unspecified)
            : (null, takenOutByStaff ? IngestOutcome.RejectedUnknownSender : IngestOutcome.RejectedErasedSender);
    }

    /// <summary>
    /// What a sender or copied address new to Directory is named: its display name, unless that holds a removed customer's
    /// kept name (whoever writes to the desk, or copies an address in, names it as they like); then, as for a display name
    /// holding an address, the address's local part. Otherwise the new customer, their letters and their tickets carried
    /// the removed customer's name again.
    /// </summary>
    private async Task<string> NewCustomerNameAsync(Mailbox mailbox, CancellationToken cancellationToken)
    {
        var names = await tickets.ListErasedNamesAsync(mentions.Of([mailbox.DisplayName]), cancellationToken);
        return ErasedName.AnyHeldIn(names, [mailbox.DisplayName], mentions)
            ? mailbox.Address[..mailbox.Address.LastIndexOf('@')]
            : mailbox.DisplayName;
    }

    /// <summary>
    /// The ticket a message answers: the one a message it replies to was taken into, else the one its subject names. Only
    /// an open ticket of this project that the sender reports or takes part in: anyone can write a ticket id into a
    /// subject, and that must not let them into another customer's ticket. <c>ByReference</c>: the message it replies to
    /// lets copies in (<see cref="InboundMail.LetsCopiesIn"/>), so the reply's do too; one found only by its subject does
    /// not, as its Message-ID is whatever its writer chose. <c>ThreadTicketId</c>: the ticket whose thread the message
    /// answers, whether or not it may become a comment there; null for none.
    /// </summary>
    private async Task<(Ticket? Ticket, bool ByReference, string? ThreadTicketId)> RepliedTicketAsync(Project project, IncomingEmail mail, string senderId, CancellationToken cancellationToken)
    {
        var referenced = await tickets.FindMailAsync(messageIds.Candidates(project.Key, mail.RepliesTo), cancellationToken);
        var ticketId = referenced?.TicketId ?? TicketIdIn(project.Key, mail.Subject);
        var ticket = ticketId is null ? null : await tickets.GetAsync(ticketId, cancellationToken);
        return ticket is not null && ticket.ProjectKey == project.Key && ticket.Concerns(senderId) && ticket.Status != TicketStatus.Closed
            ? (ticket, referenced is { LetsCopiesIn: true }, ticketId)
            : (null, false, ticketId);
    }

    /// <summary>
    /// What a new ticket answering a ticket's thread is called: that ticket, when it is this project's (a message id recorded
    /// by an earlier version for every project may name another project's, which is not the sender's to learn).
    /// </summary>
    private static string ReplySummary(Project project, string threadTicketId) =>
        threadTicketId.StartsWith($"{project.Key}-", StringComparison.Ordinal) ? $"Reply to {threadTicketId}" : "Reply to an earlier request";

    /// <summary>ASCII digits only: <c>\d</c> would take any script's digits, which no ticket number is written in.</summary>
    private static string? TicketIdIn(string projectKey, string subject)
    {
        var match = Regex.Match(subject, $@"(?<![A-Za-z0-9]){Regex.Escape(projectKey)}-([0-9]{{1,18}})(?![0-9])", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return match.Success ? Ticket.IdOf(projectKey, long.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture)) : null;
    }

    /// <summary>
    /// A text a message brings as given, what its field holds of it whole (<see cref="Whole"/>: the characters it
    /// <paramref name="Fits"/>, trimmed, or <paramref name="WhenEmpty"/>), and that cut to its length. Kept whole until
    /// written: a removed customer's name is replaced in the whole text, as the cut may leave only its first words and
    /// letters, which no kept name matches; and in the text as given, where the characters left out may have separated its words.
    /// </summary>
    private sealed record MailText(string Given, Func<char, bool> Fits, int MaxLength, string WhenEmpty)
    {
        public string Whole { get; init; } = Readable(Given, Fits, WhenEmpty);

        public string Text => ReadableText.Truncated(Whole, MaxLength);

        /// <summary>What the field holds of <paramref name="text"/>, whole.</summary>
        public string Readable(string text) => Readable(text, Fits, WhenEmpty);

        private static string Readable(string text, Func<char, bool> fits, string whenEmpty)
        {
            var kept = ReadableText.Keeping(text, fits).Trim();
            return kept.Length == 0 ? whenEmpty : kept;
        }
    }
}
