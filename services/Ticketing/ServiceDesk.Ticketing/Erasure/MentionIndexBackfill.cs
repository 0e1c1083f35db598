using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Ticketing.Tickets;

namespace ServiceDesk.Ticketing.Erasure;

/// <summary>Gives the tickets stored without current mention tokens their tokens, at start (<see cref="MentionBackfill"/>).</summary>
public sealed class MentionIndexBackfill(ITicketStore tickets, ILogger<MentionIndexBackfill> logger) : MentionBackfill("tickets", logger)
{
    protected override Task<int> IndexBatchAsync(int batchSize, CancellationToken cancellationToken) =>
        tickets.IndexMentionsAsync(batchSize, cancellationToken);
}
