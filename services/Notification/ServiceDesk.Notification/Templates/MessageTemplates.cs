using System.Text.Encodings.Web;
using Microsoft.Extensions.Options;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Notification.Deliveries;

namespace ServiceDesk.Notification.Templates;

/// <summary>What a message says: the ticket key, summary and portal link, never another person's name or comment text.</summary>
/// <param name="NewStatus">For status changes.</param>
public sealed record TemplateModel(string TicketId, string Summary, string RecipientName, TicketStatus NewStatus = TicketStatus.Unspecified);

/// <summary>
/// One plain-text and one HTML message per template (one per ticket event). Messages name only their own
/// recipient and the ticket, and point to the portal for the rest: a message to one person never carries
/// another's name or comment text, so erasing a customer never has to search the letters of others.
/// No service holds a recipient's language yet, so every message is in English, the fallback language.
/// </summary>
public sealed class MessageTemplates(IOptions<NotificationOptions> options)
{
    public const string Created = "ticket-created";
    public const string Commented = "ticket-commented";
    public const string StatusChanged = "ticket-status-changed";
    public const string ParticipantAdded = "ticket-participant-added";
    public const string ParticipantRemoved = "ticket-participant-removed";

    /// <summary>In place of a summary that names a removed customer (<see cref="Tickets.TicketEventHandler"/>).</summary>
    public const string SummaryLeftOut = "(see the ticket)";

    // A base without a trailing slash would lose its last segment when the ticket path is resolved against it.
    private readonly Uri _portal = new(options.Value.PortalBaseUrl!.AbsoluteUri.TrimEnd('/') + "/");

    public RenderedMessage Render(string template, TemplateModel model)
    {
        var (subject, headline) = template switch
        {
            Created => ("Request received", $"We received your request {model.TicketId}."),
            Commented => ("New reply", $"There is a new reply on {model.TicketId}."),
            StatusChanged => ("Status changed", $"The status of {model.TicketId} is now: {StatusName(model.NewStatus)}."),
            ParticipantAdded => ("You were added", $"You were added as a participant to {model.TicketId}."),
            ParticipantRemoved => ("Participants changed", $"A participant was removed from {model.TicketId}."),
            _ => throw new ArgumentOutOfRangeException(nameof(template), template, "No such template."),
        };
        var link = PortalLink(model.TicketId);
        var greeting = model.RecipientName.Length > 0 ? $"Hello {model.RecipientName}," : "Hello,";
        var text = $"""
            {greeting}

            {headline}

            {model.TicketId}: {model.Summary}
            {link}

            You receive this message because you take part in this request.
            """;
        var html = $"""
            <!DOCTYPE html>
            <html><body>
            <p>{Html(greeting)}</p>
            <p>{Html(headline)}</p>
            <p><a href="{Html(link.AbsoluteUri)}">{Html(model.TicketId)}: {Html(model.Summary)}</a></p>
            <p style="color:#666">You receive this message because you take part in this request.</p>
            </body></html>
            """;
        return new RenderedMessage($"[{model.TicketId}] {subject}: {model.Summary}", text, html);
    }

    public Uri PortalLink(string ticketId) => new(_portal, $"tickets/{Uri.EscapeDataString(ticketId)}");

    private static string Html(string value) => HtmlEncoder.Default.Encode(value);

    private static string StatusName(TicketStatus status) => status switch
    {
        TicketStatus.Open => "open",
        TicketStatus.InProgress => "in progress",
        TicketStatus.WaitingForCustomer => "waiting for your reply",
        TicketStatus.Resolved => "resolved",
        TicketStatus.Closed => "closed",
        _ => "changed",
    };
}
