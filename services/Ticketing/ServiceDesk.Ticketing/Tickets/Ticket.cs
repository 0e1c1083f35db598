using System.Text;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Messaging.Erasure;

namespace ServiceDesk.Ticketing.Tickets;

/// <summary>
/// A request in a project, numbered per project ("HELP-42"). People are referenced by customer id; their names
/// and addresses live once per customer in the snapshots. <see cref="Version"/> is 1 at creation and one more
/// per change.
/// </summary>
public sealed record Ticket(
    string Id,
    string ProjectKey,
    long Number,
    string Summary,
    string Description,
    string ReporterId,
    IReadOnlyList<string> ParticipantIds,
    TicketStatus Status,
    IReadOnlyList<TicketComment> Comments,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    /// <summary>
    /// When customers last saw it change: an internal comment is no change to them, so neither this nor the version
    /// they are shown tells them one was written. Null in records written before it was kept: <see cref="UpdatedAt"/>.
    /// </summary>
    public DateTimeOffset? CustomersUpdatedAt { get; init; }

    public const int MaxSummaryLength = 255;
    public const int MaxDescriptionLength = 32_768;
    public const int MaxCommentLength = 32_768;

    /// <summary>Comments are kept inside the ticket's record; this bounds its size.</summary>
    public const int MaxComments = 250;

    /// <summary>
    /// What comments of one kind may add up to, in UTF-8 bytes (<see cref="HasRoomFor"/>): 250 comments of 32,768 characters
    /// could reach 24 MiB, past a gRPC client's 4 MiB message limit (the ticket could no longer be read, nor any
    /// page listing it) and a store's 16 MiB document limit. Erasure's redactions may go a little past it.
    /// </summary>
    public const int MaxTextBytes = 1024 * 1024;

    public const int MaxParticipants = 50;

    public static string IdOf(string projectKey, long number) => $"{projectKey}-{number}";

    /// <summary>The reporter and the participants: the customers who may see the ticket.</summary>
    public IEnumerable<string> CustomerIds => [ReporterId, .. ParticipantIds];

    public bool Concerns(string customerId) => CustomerIds.Contains(customerId, StringComparer.Ordinal);

    /// <summary>
    /// The customers this version brings into the ticket written over <paramref name="before"/> (none: a new ticket):
    /// a reporter or participant <paramref name="before"/> did not have, and the author of a comment it did not have.
    /// An erased customer may be none of them (<see cref="ITicketStore"/>).
    /// </summary>
    public IEnumerable<string> CustomersJoining(Ticket? before)
    {
        var commentsBefore = before?.Comments.Select(comment => comment.Id).ToHashSet(StringComparer.Ordinal) ?? [];
        return CustomerIds.Where(id => before is null || !before.Concerns(id))
            .Concat(Comments.Where(comment => !commentsBefore.Contains(comment.Id)).Select(comment => comment.AuthorCustomerId).OfType<string>())
            .Distinct(StringComparer.Ordinal);
    }

    /// <summary>
    /// Whether a comment with <paramref name="body"/> fits beside the comments of its kind: public comments (with the
    /// summary and description) and internal ones each have <see cref="MaxComments"/> and <see cref="MaxTextBytes"/>,
    /// so a customer, who sees only the public side, is never refused for comments they cannot see (a refusal would
    /// tell them staff wrote some), and a whole ticket stays within twice the budget.
    /// </summary>
    public bool HasRoomFor(string body, bool isInternal)
    {
        var sameKind = Comments.Where(comment => comment.Internal == isInternal).Select(comment => comment.Body).ToList();
        IEnumerable<string> texts = isInternal ? sameKind : [Summary, Description, .. sameKind];
        return sameKind.Count < MaxComments && texts.Sum(text => (long)Encoding.UTF8.GetByteCount(text)) + Encoding.UTF8.GetByteCount(body) <= MaxTextBytes;
    }

    /// <summary>Its texts: summary, description and comment bodies.</summary>
    public IEnumerable<string> Texts => [Summary, Description, .. Comments.Select(comment => comment.Body)];

    /// <summary>The texts <paramref name="before"/> did not hold: all of a new ticket's, else a changed summary or description and the comments added.</summary>
    public IEnumerable<string> TextsAddedSince(Ticket? before)
    {
        if (before is null)
        {
            return Texts;
        }

        var commentsBefore = before.Comments.Select(comment => comment.Id).ToHashSet(StringComparer.Ordinal);
        return new[] { (Now: Summary, Before: before.Summary), (Now: Description, Before: before.Description) }.Where(text => text.Now != text.Before).Select(text => text.Now)
            .Concat(Comments.Where(comment => !commentsBefore.Contains(comment.Id)).Select(comment => comment.Body));
    }

    /// <summary>Whether one of its texts holds one of <paramref name="texts"/> (<see cref="MentionTokens.Holds"/>).</summary>
    public bool Mentions(IReadOnlyCollection<string> texts) => Mention(Texts, texts);

    /// <summary>
    /// Whether one of <paramref name="ticketTexts"/> holds one of <paramref name="texts"/>, in any letter case and with
    /// its spaces as any run of white space (<see cref="MentionTokens.Holds"/>).
    /// </summary>
    public static bool Mention(IEnumerable<string> ticketTexts, IReadOnlyCollection<string> texts) =>
        ticketTexts.Any(text => texts.Any(needle => MentionTokens.Holds(text, needle)));
}

/// <summary>
/// What an erasure weighs of a ticket the customer reports or takes part in, read without building the ticket:
/// <see cref="Mentions"/> is <see cref="Ticket.Mentions"/> for the texts it was read for.
/// </summary>
public sealed record ConcerningTicket(string Id, string ReporterId, IReadOnlyList<string> ParticipantIds, TicketStatus Status, long Version, bool Mentions);

/// <param name="Read">Every ticket the customer takes part in, and every one they report when those were to be read.</param>
/// <param name="ReportedUnread">How many tickets the customer reports that are not among <paramref name="Read"/>.</param>
public sealed record ConcerningTickets(IReadOnlyList<ConcerningTicket> Read, long ReportedUnread);

/// <summary>A comment; <see cref="Internal"/> ones are never shown to customers.</summary>
public sealed record TicketComment(string Id, string? AuthorAccountId, string? AuthorCustomerId, string Body, bool Internal, DateTimeOffset CreatedAt);
