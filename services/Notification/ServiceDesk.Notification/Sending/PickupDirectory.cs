using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using MimeKit;
using ServiceDesk.Notification.Deliveries;
using ServiceDesk.Storage;

namespace ServiceDesk.Notification.Sending;

/// <summary>The pickup directory (<c>Notification:PickupDirectory</c>, relative to <c>Storage:DataDirectory</c>).</summary>
public sealed class PickupDirectory(IOptions<NotificationOptions> options, StorageOptions storage)
{
    public string Path { get; } = System.IO.Path.GetFullPath(System.IO.Path.Combine(storage.DataDirectory, options.Value.PickupDirectory));

    /// <summary>The file of the message with this Message-ID: a hash, so no id or address shows in file names.</summary>
    public string FileOf(string messageId) =>
        System.IO.Path.Combine(Path, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageId)))[..32] + ".eml");

    /// <summary>
    /// The ticket summary in the subject of the letter in <paramref name="file"/> (decoded, headers unfolded:
    /// <see cref="RenderedMessage.SummaryIn"/>); null when there is no such file (sent by SMTP, or deleted) or it is not a
    /// message (a half-written temporary file).
    /// </summary>
    public static string? SummaryIn(string file)
    {
        try
        {
            return MimeMessage.Load(file).Subject is { } subject ? RenderedMessage.SummaryIn(subject) : null;
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException or FormatException)
        {
            return null;
        }
    }
}
