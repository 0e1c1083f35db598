using MimeKit;

namespace ServiceDesk.Notification.Sending;

/// <summary>
/// Writes each message as an <c>.eml</c> file a mail client opens, named after its delivery
/// (<see cref="PickupDirectory.FileOf"/>): a message written again after a crash replaces its file, and an
/// erasure finds the files of the deliveries it deletes. Written to a temporary name and renamed, so a reader
/// never sees half a message.
/// </summary>
public sealed class PickupDirectoryTransport(PickupDirectory directory) : IMailTransport
{
    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var path = directory.FileOf(message.MessageId ?? throw new ArgumentException("The message has no Message-ID.", nameof(message)));
        var temporary = path + ".tmp";
        System.IO.Directory.CreateDirectory(directory.Path);
        try
        {
            await using (var file = File.Create(temporary))
            {
                await message.WriteToAsync(file, cancellationToken);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            // Half a message holds the recipient's address and name, and no erasure looks for temporary files.
            File.Delete(temporary);
            throw;
        }
    }

    public void Withdraw(string messageId) => File.Delete(directory.FileOf(messageId));
}
