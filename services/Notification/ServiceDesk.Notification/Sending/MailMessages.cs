using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using MimeKit;
using ServiceDesk.Notification.Deliveries;

namespace ServiceDesk.Notification.Sending;

/// <summary>A delivery's MIME message: plain text and HTML alternatives, and a Message-ID derived from the delivery.</summary>
public sealed class MailMessages(IOptions<NotificationOptions> options)
{
    private readonly MailboxAddress _from = MailboxAddress.Parse(options.Value.From);

    /// <summary>The same for every attempt of a delivery, so a receiver can drop a copy a crash made us send twice.</summary>
    public string MessageIdOf(string deliveryId) =>
        $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(deliveryId)))[..32]}@{_from.Domain}";

    public MimeMessage Build(Delivery delivery, RenderedMessage rendered)
    {
        var message = new MimeMessage
        {
            MessageId = MessageIdOf(delivery.Id),
            Subject = Inert(rendered.Subject),
            Date = delivery.CreatedAt,
            Body = new BodyBuilder { TextBody = rendered.Text, HtmlBody = rendered.Html }.ToMessageBody(),
        };
        message.From.Add(_from);
        message.To.Add(new MailboxAddress(Inert(delivery.RecipientName), delivery.RecipientAddress));
        message.Headers.Add("Auto-Submitted", "auto-generated");
        return message;
    }

    /// <summary>
    /// Header text as written: an encoded word in it (<c>=?utf-8?q?=E2=80=AE=0D=0A?=</c>, in a summary or a name anyone
    /// may write) would be decoded by the reader's mail program into characters a summary or a name may not hold
    /// (bidi overrides, line breaks). A zero-width space after its "=" leaves it text, shown as written.
    /// </summary>
    private static string Inert(string text) => text.Replace("=?", "=\u200B?", StringComparison.Ordinal);
}
