using ServiceDesk.Contracts.Notification.V1;
using ServiceDesk.Messaging.Erasure;

namespace ServiceDesk.Notification.Deliveries;

/// <summary>
/// One message to one recipient about one ticket event: the outbox entry while it waits, its log entry once
/// it went (or could not go). The id is the event's and the recipient's, so handling an event twice queues
/// nothing twice. The rendered message is kept only until it is sent; the address and name stay for the log
/// until the recipient is erased.
/// </summary>
public sealed record Delivery
{
    public required string Id { get; init; }

    public required string TicketId { get; init; }

    public required string ProjectKey { get; init; }

    public required string RecipientCustomerId { get; init; }

    /// <summary>
    /// Who reports the ticket, when the letter was written: an erasure counts a name's reporters, not its letters'
    /// recipients (<see cref="ServiceDesk.Messaging.Erasure.CommonPhrase"/>). Null in letters stored before it was kept.
    /// </summary>
    public string? ReporterCustomerId { get; init; }

    /// <summary>Empty once the recipient is suppressed.</summary>
    public required string RecipientAddress { get; init; }

    public required string RecipientName { get; init; }

    /// <summary>The address's keyed hash (<c>ErasedCustomers.HashAddress</c>): an erasure of the address finds the entry by it.</summary>
    public required string AddressHash { get; init; }

    /// <summary>The template that rendered it, e.g. "ticket-commented".</summary>
    public required string Template { get; init; }

    /// <summary>The rendered message; null once sent, suppressed or failed.</summary>
    public required RenderedMessage? Message { get; init; }

    public required DeliveryStatus Status { get; init; }

    public int Attempts { get; init; }

    public required DateTimeOffset NextAttemptAt { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? SentAt { get; init; }

    /// <summary>Why the last attempt failed: an SMTP status or an exception type, never an address.</summary>
    public string? LastError { get; init; }

    /// <summary>
    /// When its ticket was created, at the earliest (less <c>Notification:ClockMargin</c>), for the check of its summary
    /// against removed customers' names as it is stored (not kept): only a ticket older than a removal can hold that customer's name from before it, and only such a summary
    /// is a remnant to leave out. A newer one's is what its author wrote since, which letters show as written: left out,
    /// the author's own letter would tell them that a name they wrote was a removed customer's. Null: every removal counts.
    /// </summary>
    public DateTimeOffset? TicketCreatedAt { get; init; }

    public static string IdOf(string eventId, string recipientCustomerId) => $"{eventId}/{recipientCustomerId}";

    /// <summary>
    /// The id as shown to a caller who knows the recipient as <paramref name="recipientAsSeen"/> (an agent, by an id
    /// scoped to the project): the id holds the recipient's id, which must not show the customer's own id there either.
    /// </summary>
    public string IdSeenWith(string recipientAsSeen) => IdOf(Id[..Id.LastIndexOf('/')], recipientAsSeen);

    /// <summary>
    /// What its mention tokens are made of, and what an erasure reads for another customer's name: the ticket summary in
    /// its subject (<see cref="RenderedMessage.SummaryIn"/>). The templates' own words and the recipient's name and
    /// address are left out: a letter names its own recipient, whom an erasure finds by id and address hash, and
    /// otherwise only the ticket, so the summary is the one text that can name someone else. A customer named like a
    /// template's words ("Request received", "Hello") or like another recipient then names no one else's letter.
    /// </summary>
    public IEnumerable<string?> MentionTexts => [Message is { } message ? RenderedMessage.SummaryIn(message.Subject) : null];

    /// <summary>
    /// The version of the stored mention tokens: <see cref="MentionTokens.Version"/>'s meaning of a token, and which texts
    /// they are made of (<see cref="MentionTexts"/>; 1: the summary alone). Deliveries stored under a lower one get theirs again at start.
    /// </summary>
    public const int MentionIndexVersion = MentionTokens.Version * 100 + 1;

    /// <summary>Orders the log newest first: creation time, then id.</summary>
    public string ListOrder => $"{CreatedAt.ToUnixTimeMilliseconds():D19} {Id}";
}

public sealed record RenderedMessage(string Subject, string Text, string Html)
{
    /// <summary>
    /// The ticket summary of a subject rendered as "[KEY-1] Request received: summary" (<see cref="Templates.MessageTemplates"/>);
    /// the whole subject when it is not one.
    /// </summary>
    public static string SummaryIn(string subject)
    {
        var keyEnd = subject.IndexOf("] ", StringComparison.Ordinal);
        var summaryStart = keyEnd < 0 ? -1 : subject.IndexOf(": ", keyEnd, StringComparison.Ordinal);
        return summaryStart < 0 ? subject : subject[(summaryStart + 2)..];
    }
}
