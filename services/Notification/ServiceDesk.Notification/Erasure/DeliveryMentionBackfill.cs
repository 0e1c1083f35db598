using MimeKit;
using ServiceDesk.Notification.Deliveries;
using ServiceDesk.Notification.Sending;

namespace ServiceDesk.Notification.Erasure;

/// <summary>
/// At start, gives the deliveries written before mention tokens existed their tokens, <see cref="BatchSize"/> to a store
/// call: from the rendered message while it is kept, else from the letter in the pickup directory, if any. A second
/// start finds none. Until it is done an erasure still finds those deliveries: the store lists the ones without tokens.
/// </summary>
public sealed partial class DeliveryMentionBackfill(IDeliveryStore deliveries, PickupDirectory pickup, MailMessages messages, ILogger<DeliveryMentionBackfill> logger)
    : BackgroundService
{
    private const int BatchSize = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var indexed = 0;
        try
        {
            for (int found; (found = await deliveries.IndexMentionsAsync(BatchSize, TextsOf, stoppingToken)) > 0;)
            {
                indexed += found;
            }
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            // The search stays complete without the tokens, only slower: the next start tries again.
            LogFailed(indexed, exception.GetType().Name);
            return;
        }

        if (indexed > 0)
        {
            LogIndexed(indexed);
        }
    }

    private IEnumerable<string?> TextsOf(Delivery delivery)
    {
        var file = pickup.FileOf(messages.MessageIdOf(delivery.Id));
        if (delivery.Message is not null || !File.Exists(file))
        {
            return delivery.MentionTexts;
        }

        try
        {
            var letter = MimeMessage.Load(file);
            return [.. delivery.MentionTexts, letter.To.ToString(), letter.Subject, letter.TextBody];
        }
        catch (Exception exception) when (exception is IOException or FormatException)
        {
            // Gone meanwhile (deleted by an erasure), or not a message: nothing in it to find.
            return delivery.MentionTexts;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Mention tokens written for {Count} deliveries stored without them")]
    private partial void LogIndexed(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing mention tokens stopped after {Count} deliveries ({Error}); erasures read the others until the next start")]
    private partial void LogFailed(int count, string error);
}
