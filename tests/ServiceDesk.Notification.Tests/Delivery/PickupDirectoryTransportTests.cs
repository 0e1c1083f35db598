using Microsoft.Extensions.Options;
using MimeKit;
using ServiceDesk.Notification.Sending;
using ServiceDesk.Storage;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Notification.Tests.Delivery;

/// <summary>The pickup directory holds whole messages only, and gives one back when its delivery was erased while it was written.</summary>
public sealed class PickupDirectoryTransportTests
{
    private readonly PickupDirectory _pickup = new(Options.Create(new NotificationOptions()), new StorageOptions { DataDirectory = TestDirectory.Create("pickup") });

    [Fact]
    public async Task A_write_cut_short_leaves_no_file_and_a_withdrawn_message_is_gone()
    {
        var transport = new PickupDirectoryTransport(_pickup);
        var message = new MimeMessage { MessageId = "delivery-1@servicedesk.test", Subject = "Hello Jane Doe" };
        message.To.Add(new MailboxAddress("Jane Doe", "jane.doe@example.test"));
        message.Body = new TextPart("plain") { Text = "Your ticket HELP-1 was updated." };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => transport.SendAsync(message, new CancellationToken(canceled: true)));
        Assert.Empty(System.IO.Directory.EnumerateFiles(_pickup.Path));

        await transport.SendAsync(message, CancellationToken.None);
        Assert.True(File.Exists(_pickup.FileOf(message.MessageId)));
        transport.Withdraw(message.MessageId);
        Assert.Empty(System.IO.Directory.EnumerateFiles(_pickup.Path));
    }
}
