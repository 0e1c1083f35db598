using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ServiceDesk.Messaging.Erasure;

/// <summary>
/// At start, gives the records written before <see cref="MentionTokens"/> existed (or under an older
/// <see cref="MentionTokens.Version"/>) their tokens, <see cref="BatchSize"/> to a store call, until a call finds none;
/// a second start finds none at once. Until it is done an erasure still finds those records: the stores read the ones
/// without current tokens.
/// </summary>
/// <param name="records">What the records are, for the log ("tickets", "deliveries").</param>
public abstract partial class MentionBackfill(string records, ILogger logger) : BackgroundService
{
    private const int BatchSize = 500;

    /// <summary>Gives up to <paramref name="batchSize"/> records without current tokens their tokens; returns how many.</summary>
    protected abstract Task<int> IndexBatchAsync(int batchSize, CancellationToken cancellationToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var indexed = 0;
        try
        {
            for (int found; (found = await IndexBatchAsync(BatchSize, stoppingToken)) > 0;)
            {
                indexed += found;
            }
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            // The search stays complete without the tokens, only slower: the next start tries again.
            LogFailed(indexed, records, exception.GetType().Name);
            return;
        }

        if (indexed > 0)
        {
            LogIndexed(indexed, records);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Mention tokens written for {Count} {Records} stored without them")]
    private partial void LogIndexed(int count, string records);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing mention tokens stopped after {Count} {Records} ({Error}); erasures read the others until the next start")]
    private partial void LogFailed(int count, string records, string error);
}
