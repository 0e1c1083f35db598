using ServiceDesk.Contracts.Notification.V1;

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

    public static string IdOf(string eventId, string recipientCustomerId) => $"{eventId}/{recipientCustomerId}";

    /// <summary>
    /// The id as shown to a caller who knows the recipient as <paramref name="recipientAsSeen"/> (an agent, by an id
    /// scoped to the project): the id holds the recipient's id, which must not show the customer's own id there either.
    /// </summary>
    public string IdSeenWith(string recipientAsSeen) => IdOf(Id[..Id.LastIndexOf('/')], recipientAsSeen);

    /// <summary>
    /// What its mention tokens are made of, and what an erasure reads for a name: the recipient's address and name, the
    /// message's subject and plain text. Not its HTML: the templates render the plain text's fields into it, HTML-encoded,
    /// so its only other words are markup and entities ("body", "amp", "xE9"), which name no one.
    /// </summary>
    public IEnumerable<string?> MentionTexts => [RecipientAddress, RecipientName, Message?.Subject, Message?.Text];

    /// <summary>Orders the log newest first: creation time, then id.</summary>
    public string ListOrder => $"{CreatedAt.ToUnixTimeMilliseconds():D19} {Id}";
}

public sealed record RenderedMessage(string Subject, string Text, string Html);
