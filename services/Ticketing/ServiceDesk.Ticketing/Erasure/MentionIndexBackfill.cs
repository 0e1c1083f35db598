using ServiceDesk.Ticketing.Tickets;

namespace ServiceDesk.Ticketing.Erasure;

/// <summary>
/// At start, gives the tickets written before mention tokens existed (or under an older <c>MentionTokens.Version</c>)
/// their tokens, <see cref="BatchSize"/> to a store call; a second start finds none. Until it is done an erasure still
/// finds those tickets: the store reads the ones without current tokens.
/// </summary>
public sealed partial class MentionIndexBackfill(ITicketStore tickets, ILogger<MentionIndexBackfill> logger) : BackgroundService
{
    private const int BatchSize = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var indexed = 0;
        try
        {
            for (int found; (found = await tickets.IndexMentionsAsync(BatchSize, stoppingToken)) > 0;)
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Mention tokens written for {Count} tickets stored without them")]
    private partial void LogIndexed(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing mention tokens stopped after {Count} tickets ({Error}); erasures read the others until the next start")]
    private partial void LogFailed(int count, string error);
}
