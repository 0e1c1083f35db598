using MimeKit;

namespace ServiceDesk.Notification.Sending;

/// <summary>Where messages leave the service: an SMTP server, or the pickup directory when none is configured.</summary>
public interface IMailTransport
{
    /// <summary>Hands the message on; throws when it could not, and the message is retried later.</summary>
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Takes back, where it still can, a message handed on for a delivery that an erasure deleted meanwhile: its
    /// erasure looked for the message before it existed.
    /// </summary>
    void Withdraw(string messageId);
}
