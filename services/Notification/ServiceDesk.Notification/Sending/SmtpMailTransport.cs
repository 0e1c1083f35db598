using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ServiceDesk.Notification.Sending;

/// <summary>Sends through the configured SMTP server (<c>Notification:Smtp</c>), one connection per message.</summary>
public sealed class SmtpMailTransport(IOptions<NotificationOptions> options) : IMailTransport
{
    private readonly SmtpOptions _smtp = options.Value.Smtp;

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_smtp.Timeout);
        using var client = new SmtpClient { Timeout = (int)_smtp.Timeout.TotalMilliseconds };
        await client.ConnectAsync(_smtp.Host ?? throw new InvalidOperationException("Notification:Smtp:Host is not set."), _smtp.Port, _smtp.Security, deadline.Token);
        if (!string.IsNullOrEmpty(_smtp.User))
        {
            await client.AuthenticateAsync(_smtp.User, _smtp.Password ?? string.Empty, deadline.Token);
        }

        await client.SendAsync(message, deadline.Token);
        await client.DisconnectAsync(quit: true, deadline.Token);
    }

    /// <summary>A message an SMTP server accepted is beyond reach.</summary>
    public void Withdraw(string messageId)
    {
    }
}
