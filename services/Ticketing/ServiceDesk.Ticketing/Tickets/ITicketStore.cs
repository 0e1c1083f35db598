using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Messaging.Publishing;

namespace ServiceDesk.Ticketing.Tickets;

/// <summary>
/// Tickets. Every change records its integration events in the outbox in the same transaction, and is
/// written only over the version it was derived from (optimistic concurrency).
/// </summary>
public interface ITicketStore
{
    /// <summary>The next ticket number of the project: 1, 2, 3, ... A number is never handed out twice (a failed create leaves a gap).</summary>
    Task<long> NextNumberAsync(string projectKey, CancellationToken cancellationToken);

    Task InsertAsync(Ticket ticket, IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken);

    Task<Ticket?> GetAsync(string id, CancellationToken cancellationToken);

    /// <returns>False, having written nothing, when the stored ticket is no longer at <paramref name="expectedVersion"/>.</returns>
    Task<bool> ReplaceAsync(Ticket ticket, long expectedVersion, IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken);

    /// <summary>A project's tickets matching <paramref name="query"/>, newest (highest number) first.</summary>
    Task<IReadOnlyList<Ticket>> ListAsync(TicketQuery query, CancellationToken cancellationToken);
}

/// <param name="ConcerningCustomerId">Only tickets this customer reports or takes part in.</param>
/// <param name="BeforeNumber">Only tickets numbered below this (the previous page's last).</param>
public sealed record TicketQuery(
    string ProjectKey, TicketStatus? Status, string? ReporterId, string? ConcerningCustomerId, long? BeforeNumber, int Limit);
