using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Ticketing.Erasure;
using ServiceDesk.Ticketing.Mail;

namespace ServiceDesk.Ticketing.Tickets;

/// <summary>
/// Tickets. Every change records its integration events in the outbox in the same transaction, and is
/// written only over the version it was derived from (optimistic concurrency). A ticket written with a customer
/// joining it (<see cref="Ticket.CustomersJoining"/>) whom this service's erasure ledger holds is refused in the write's
/// own transaction (<see cref="CustomerErasedException"/>), so a removal that arrives while the write is under way either
/// refuses it or finds the ticket (<see cref="WaitForJoiningWritesAsync"/>). Likewise a write recording an inbound message
/// whose new texts hold a removed customer's name kept by <see cref="RememberErasedNamesAsync"/>
/// (<see cref="TextNamesErasedException"/>, <see cref="WaitForMailWritesAsync"/>).
/// </summary>
public interface ITicketStore
{
    /// <summary>
    /// Inserts the project's next ticket, numbered 1, 2, 3, ...: the number is counted in the insert's own transaction,
    /// so no number is handed out twice and a create that fails uses none.
    /// </summary>
    /// <param name="ticketOf">The ticket with the number, its events and the inbound message that raised it.</param>
    /// <exception cref="DuplicateMailException">The message was taken in already; nothing is written, the number not counted.</exception>
    /// <exception cref="CustomerErasedException">The ticket names an erased customer; nothing is written, the number not counted.</exception>
    /// <exception cref="TextNamesErasedException">With an inbound message, a text holds a removed customer's kept name; nothing is written.</exception>
    Task<Ticket> InsertNextAsync(string projectKey, Func<long, NumberedTicket> ticketOf, CancellationToken cancellationToken);

    /// <param name="mail">The inbound message that raised the ticket, recorded with it; null for other tickets.</param>
    /// <exception cref="DuplicateMailException">The message was taken in already; nothing is written.</exception>
    /// <exception cref="CustomerErasedException">The ticket names an erased customer; nothing is written.</exception>
    /// <exception cref="TextNamesErasedException">With <paramref name="mail"/>, a text holds a removed customer's kept name; nothing is written.</exception>
    Task InsertAsync(Ticket ticket, IReadOnlyList<OutgoingEvent> events, InboundMail? mail, CancellationToken cancellationToken);

    Task<Ticket?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Writes <paramref name="after"/> over <paramref name="before"/>, the version it was derived from.</summary>
    /// <param name="mail">The inbound message that made the change, recorded with it; null for other changes.</param>
    /// <returns>False, having written nothing, when the stored ticket is no longer at <paramref name="before"/>'s version.</returns>
    /// <exception cref="DuplicateMailException">The message was taken in already; nothing is written.</exception>
    /// <exception cref="CustomerErasedException">A customer joining the ticket was erased; nothing is written.</exception>
    /// <exception cref="TextNamesErasedException">With <paramref name="mail"/>, a text it adds holds a removed customer's kept name; nothing is written.</exception>
    Task<bool> ReplaceAsync(Ticket before, Ticket after, IReadOnlyList<OutgoingEvent> events, InboundMail? mail, CancellationToken cancellationToken);

    /// <summary>
    /// Returns once every ticket write begun before it that may bring <paramref name="customerId"/> into a ticket has
    /// ended. An erasure calls it after its ledger recorded the customer: a write ending later reads that record in its
    /// own transaction and is refused, so what the erasure reads of the tickets next is every ticket that names them.
    /// </summary>
    Task WaitForJoiningWritesAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps, for good, the spellings of a removed customer's names and addresses, beside any kept before (one per
    /// customer and spelling: a second removal run keeps the first).
    /// </summary>
    Task RememberErasedNamesAsync(IReadOnlyList<ErasedName> names, CancellationToken cancellationToken);

    /// <summary>The kept spellings whose most telling word's token is one of <paramref name="tokens"/> (a text's <see cref="MentionTokens.Of"/>).</summary>
    Task<IReadOnlyList<ErasedName>> ListErasedNamesAsync(IReadOnlyCollection<string> tokens, CancellationToken cancellationToken);

    /// <summary>
    /// Returns once every write recording an inbound message begun before it has ended. An erasure calls it after
    /// <see cref="RememberErasedNamesAsync"/>: a write ending later checks the texts it adds against those names in its
    /// own transaction and is refused when one holds them, so what the erasure reads of the tickets next is every ticket
    /// mail brought the names into.
    /// </summary>
    Task WaitForMailWritesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes each ticket's after over its before, as <see cref="ReplaceAsync"/> does, with no events, many to a
    /// transaction: for changes nobody is told about, such as an erasure's, which may touch thousands of tickets.
    /// </summary>
    /// <returns>The ids of the tickets not written because the stored one is no longer at its before's version.</returns>
    /// <exception cref="CustomerErasedException">A customer joining a ticket (an erasure's successor) was erased; the tickets of its transaction are not written.</exception>
    Task<IReadOnlyList<string>> ReplaceManyAsync(IReadOnlyList<(Ticket Before, Ticket After)> tickets, CancellationToken cancellationToken);

    /// <returns>False when the stored ticket is no longer at <paramref name="expectedVersion"/>.</returns>
    Task<bool> DeleteAsync(string id, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>A project's tickets matching <paramref name="query"/>, newest (highest number) first.</summary>
    Task<IReadOnlyList<Ticket>> ListAsync(TicketQuery query, CancellationToken cancellationToken);

    /// <summary>The tickets with these ids that exist.</summary>
    Task<IReadOnlyList<Ticket>> GetManyAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken);

    /// <summary>
    /// The tickets, in any project, the customer takes part in, and those they report when <paramref name="readReported"/>,
    /// read only as far as an erasure weighs them: whether one of its texts contains one of <paramref name="texts"/> (in any
    /// letter case), not the texts; no ticket is built. The other tickets they report are only counted, from the reporter
    /// index alone where the store can, without reading them: an erasure that neither purges nor moves them leaves them
    /// as they are (their texts are found, like anyone's, by <see cref="ListMentioningAsync"/>).
    /// </summary>
    Task<ConcerningTickets> FindConcerningAsync(string customerId, bool readReported, IReadOnlyCollection<string> texts, CancellationToken cancellationToken);

    /// <summary>
    /// Every ticket whose summary, description or a comment names one of <paramref name="texts"/> (in any letter case, as
    /// whole words: <see cref="MentionTokens.Names(string, string)"/>), found through the tickets' mention tokens, and
    /// among the tickets still without current tokens by reading them.
    /// </summary>
    Task<IReadOnlyList<Ticket>> ListMentioningAsync(IReadOnlyCollection<string> texts, CancellationToken cancellationToken);

    /// <summary>
    /// Per project, how many different customers report the tickets that <paramref name="customerId"/> neither reports nor
    /// takes part in and that name <paramref name="text"/> (found as <see cref="ListMentioningAsync"/> finds them), each
    /// counted up to <paramref name="upTo"/> (<see cref="CommonPhrase.ReportersPerProject"/>); a project with none is left out.
    /// </summary>
    Task<IReadOnlyDictionary<string, int>> CountReportersMentioningAsync(string text, string customerId, int upTo, CancellationToken cancellationToken);

    /// <summary>Gives up to <paramref name="limit"/> tickets stored without current mention tokens (older versions of the service wrote none) their tokens.</summary>
    /// <returns>How many such tickets it found: 0 once every ticket has them.</returns>
    Task<int> IndexMentionsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>The first recorded message among <paramref name="messageHashes"/>; null when none was taken in.</summary>
    Task<InboundMail?> FindMailAsync(IReadOnlyCollection<string> messageHashes, CancellationToken cancellationToken);
}

/// <param name="ConcerningCustomerId">Only tickets this customer reports or takes part in.</param>
/// <param name="BeforeNumber">Only tickets numbered below this (the previous page's last).</param>
public sealed record TicketQuery(
    string ProjectKey, TicketStatus? Status, string? ReporterId, string? ConcerningCustomerId, long? BeforeNumber, int Limit);

/// <param name="Mail">The inbound message that raised the ticket, recorded with it; null for other tickets.</param>
public sealed record NumberedTicket(Ticket Ticket, IReadOnlyList<OutgoingEvent> Events, InboundMail? Mail);
