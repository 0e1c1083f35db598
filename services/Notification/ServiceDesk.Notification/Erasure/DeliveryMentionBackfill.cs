using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Notification.Deliveries;
using ServiceDesk.Notification.Sending;

namespace ServiceDesk.Notification.Erasure;

/// <summary>
/// Gives the deliveries stored without current mention tokens their tokens, at start (<see cref="MentionBackfill"/>):
/// from the rendered message while it is kept, else from the letter in the pickup directory, if any (its subject's summary).
/// </summary>
public sealed class DeliveryMentionBackfill(IDeliveryStore deliveries, PickupDirectory pickup, MailMessages messages, ILogger<DeliveryMentionBackfill> logger)
    : MentionBackfill("deliveries", logger)
{
    protected override Task<int> IndexBatchAsync(int batchSize, CancellationToken cancellationToken) =>
        deliveries.IndexMentionsAsync(batchSize, TextsOf, cancellationToken);

    private IEnumerable<string?> TextsOf(Delivery delivery)
    {
        var file = pickup.FileOf(messages.MessageIdOf(delivery.Id));
        if (delivery.Message is not null || !File.Exists(file))
        {
            return delivery.MentionTexts;
        }

        try
        {
            // Null when gone meanwhile (deleted by an erasure), or not a message: nothing in it to find.
            return [PickupDirectory.SummaryIn(file)];
        }
        catch (IOException)
        {
            return delivery.MentionTexts;
        }
    }
}
