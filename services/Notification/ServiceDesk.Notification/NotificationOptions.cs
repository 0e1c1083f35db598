using System.ComponentModel.DataAnnotations;

namespace ServiceDesk.Notification;

/// <summary>Configuration section <c>Notification</c>: what messages link to, and how they leave.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notification";

    /// <summary>The customer portal's base URL; every message links to <c>{PortalBaseUrl}/tickets/{ticket id}</c>.</summary>
    [Required]
    public Uri? PortalBaseUrl { get; set; }

    /// <summary>The From header of every message.</summary>
    [Required]
    public string From { get; set; } = "ServiceDesk <no-reply@servicedesk.invalid>";

    /// <summary>
    /// Where messages are written as <c>.eml</c> files when no SMTP server is configured; relative paths are
    /// under <c>Storage:DataDirectory</c>.
    /// </summary>
    [Required]
    public string PickupDirectory { get; set; } = "mail-pickup";

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>The sender looks for due messages at least this often; a new message wakes it at once.</summary>
    public TimeSpan SendInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The first retry of a failed send waits about this long; each further one twice as long.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two attempts of one message.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How far apart the services' clocks may be, and then some: a letter's summary is left out when it names a
    /// customer removed (by Notification's clock) after its ticket was created (by Ticketing's) less this margin.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ClockMargin { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Attempts of one message before it is marked failed.</summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 20;
}

/// <summary>Configuration section <c>Notification:Smtp</c>; without a host, messages go to the pickup directory.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 25;

    /// <summary><c>None</c>, <c>StartTls</c> (required), <c>StartTlsWhenAvailable</c> or <c>SslOnConnect</c>.</summary>
    public MailKit.Security.SecureSocketOptions Security { get; set; } = MailKit.Security.SecureSocketOptions.StartTlsWhenAvailable;

    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>Deadline of one connect-and-send.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}
