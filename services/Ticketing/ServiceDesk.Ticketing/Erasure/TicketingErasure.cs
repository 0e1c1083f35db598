using System.Text.RegularExpressions;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Ticketing.Customers;
using ServiceDesk.Ticketing.Tickets;
using TicketStatus = ServiceDesk.Contracts.Ticketing.V1.TicketStatus;

namespace ServiceDesk.Ticketing.Erasure;

/// <summary>
/// Ticketing's part of a customer removal. With a successor, the customer's open tickets (reported or taken part
/// in) move to the successor first. Then the customer leaves every participant list; under PURGE the tickets they
/// still report are deleted, under ANONYMIZE they stay and show the pseudonym. Their address and display name are
/// replaced by the pseudonym wherever a summary, description or comment holds them, in any letter case. Last, their
/// snapshot, where the name and address came from, becomes the pseudonym for good (<see cref="CustomerSnapshot.ErasedAs"/>),
/// so a run interrupted before it still finds what to redact. Erasure changes raise each ticket's version but send
/// no ticket events: nobody is notified of a removal. A second run changes nothing more.
/// </summary>
public sealed class TicketingErasure(ITicketStore tickets, ICustomerSnapshotStore snapshots, DirectoryCustomers customers, TimeProvider time) : ICustomerErasure
{
    public const string TicketsMoved = "tickets_moved";
    public const string TicketsDeleted = "tickets_deleted";
    public const string TicketsAnonymized = "tickets_anonymized";
    public const string ParticipationsRemoved = "participations_removed";
    public const string TextsRedacted = "texts_redacted";
    public const string SnapshotsAnonymized = "snapshots_anonymized";

    private const string RedactedWithoutPseudonym = "[redacted]";

    public async Task<IReadOnlyDictionary<string, long>> PreviewAsync(ErasureScope scope, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(scope, cancellationToken);
        var counts = plan.EmptyCounts();
        foreach (var ticket in await plan.CandidatesAsync(tickets, cancellationToken))
        {
            plan.Apply(ticket, counts);
        }

        return counts;
    }

    public async Task<IReadOnlyDictionary<string, long>> EraseAsync(ErasureScope scope, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(scope, cancellationToken);
        if (plan.SuccessorId is { } successorId)
        {
            // The successor's name and address, for the tickets that move to them.
            await customers.SnapshotAsync(successorId, "successor_customer_id", cancellationToken);
        }

        var counts = plan.EmptyCounts();
        var changed = new List<Ticket>();
        var deltas = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        var now = time.Now();
        foreach (var candidate in await plan.CandidatesAsync(tickets, cancellationToken))
        {
            var delta = ErasurePlan.NoChange();
            switch (plan.Apply(candidate, delta))
            {
                case null:
                    await EraseFromAsync(candidate.Id, plan, counts, cancellationToken);
                    break;
                case var outcome when ReferenceEquals(outcome, candidate):
                    Add(counts, delta);
                    break;
                case var outcome:
                    changed.Add(outcome with { Version = candidate.Version + 1, UpdatedAt = now });
                    deltas[candidate.Id] = delta;
                    break;
            }
        }

        // The candidates as read, written together; one changed meanwhile is read and erased again on its own.
        var stale = (await tickets.ReplaceManyAsync(changed, cancellationToken)).ToHashSet(StringComparer.Ordinal);
        foreach (var ticket in changed)
        {
            if (stale.Contains(ticket.Id))
            {
                await EraseFromAsync(ticket.Id, plan, counts, cancellationToken);
            }
            else
            {
                Add(counts, deltas[ticket.Id]);
            }
        }

        await snapshots.SaveIfNewerAsync(CustomerSnapshot.ErasedAs(scope.CustomerId, scope.Pseudonym), createIfMissing: true, cancellationToken);
        return counts;
    }

    /// <summary>Applies the plan to the ticket as stored, again after a concurrent change.</summary>
    private async Task EraseFromAsync(string ticketId, ErasurePlan plan, Dictionary<string, long> counts, CancellationToken cancellationToken)
    {
        while (await tickets.GetAsync(ticketId, cancellationToken) is { } current)
        {
            var delta = ErasurePlan.NoChange();
            var outcome = plan.Apply(current, delta);
            var written = outcome switch
            {
                null => await tickets.DeleteAsync(current.Id, current.Version, cancellationToken),
                _ when ReferenceEquals(outcome, current) => true,
                _ => await tickets.ReplaceAsync(outcome with { Version = current.Version + 1, UpdatedAt = time.Now() }, current.Version, [], null, cancellationToken),
            };
            if (written)
            {
                Add(counts, delta);
                return;
            }
        }
    }

    private static void Add(Dictionary<string, long> counts, Dictionary<string, long> delta)
    {
        foreach (var (kind, count) in delta)
        {
            counts[kind] += count;
        }
    }

    private async Task<ErasurePlan> PlanAsync(ErasureScope scope, CancellationToken cancellationToken)
    {
        var snapshot = (await snapshots.GetManyAsync([scope.CustomerId], cancellationToken)).GetValueOrDefault(scope.CustomerId);
        var live = snapshot is { Erased: false } ? snapshot : null;
        return new ErasurePlan(
            scope.CustomerId,
            scope.SuccessorCustomerId is { Length: > 0 } successor && successor != scope.CustomerId ? successor : null,
            scope.Mode == ErasureMode.Purge,
            [.. new[] { live?.Address, live?.DisplayName }.OfType<string>().Where(text => text.Trim().Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)],
            scope.Pseudonym.Length > 0 ? scope.Pseudonym : RedactedWithoutPseudonym,
            SnapshotIsLive: live is not null);
    }

    /// <param name="Needles">The customer's address and display name as the snapshot holds them; empty once it was erased.</param>
    private sealed record ErasurePlan(string CustomerId, string? SuccessorId, bool Purge, IReadOnlyList<string> Needles, string Replacement, bool SnapshotIsLive)
    {
        /// <summary>What an erasure counts before any ticket: the snapshot, which it replaces while it is live.</summary>
        public Dictionary<string, long> EmptyCounts()
        {
            var counts = NoChange();
            counts[SnapshotsAnonymized] = SnapshotIsLive ? 1 : 0;
            return counts;
        }

        public static Dictionary<string, long> NoChange() => new()
        {
            [TicketsMoved] = 0,
            [TicketsDeleted] = 0,
            [TicketsAnonymized] = 0,
            [ParticipationsRemoved] = 0,
            [TextsRedacted] = 0,
            [SnapshotsAnonymized] = 0,
        };

        /// <summary>The tickets the customer reports or takes part in, and those whose texts name them.</summary>
        public async Task<IReadOnlyList<Ticket>> CandidatesAsync(ITicketStore tickets, CancellationToken cancellationToken)
        {
            var concerning = await tickets.ListConcerningAsync(CustomerId, cancellationToken);
            var mentioning = Needles.Count == 0 ? [] : await tickets.ListMentioningAsync(Needles, cancellationToken);
            return [.. concerning.Concat(mentioning).DistinctBy(ticket => ticket.Id)];
        }

        /// <summary>The ticket after erasure (null: deleted; the same instance: unchanged), counting what changed.</summary>
        public Ticket? Apply(Ticket ticket, Dictionary<string, long> counts)
        {
            var changed = ticket;
            if (SuccessorId is { } successor && changed.Concerns(CustomerId) && changed.Status is not (TicketStatus.Resolved or TicketStatus.Closed))
            {
                var reporter = changed.ReporterId == CustomerId ? successor : changed.ReporterId;
                changed = changed with
                {
                    ReporterId = reporter,
                    ParticipantIds = [.. changed.ParticipantIds.Select(id => id == CustomerId ? successor : id).Where(id => id != reporter).Distinct()],
                };
                counts[TicketsMoved]++;
            }

            if (changed.ParticipantIds.Contains(CustomerId))
            {
                changed = changed with { ParticipantIds = [.. changed.ParticipantIds.Where(id => id != CustomerId)] };
                counts[ParticipationsRemoved]++;
            }

            if (changed.ReporterId == CustomerId)
            {
                if (Purge)
                {
                    counts[TicketsDeleted]++;
                    return null;
                }

                counts[TicketsAnonymized] += SnapshotIsLive ? 1 : 0;
            }

            return Redacted(changed, counts);
        }

        private Ticket Redacted(Ticket ticket, Dictionary<string, long> counts)
        {
            if (!ticket.Mentions(Needles))
            {
                return ticket;
            }

            return ticket with
            {
                Summary = Redact(ticket.Summary, counts),
                Description = Redact(ticket.Description, counts),
                Comments = [.. ticket.Comments.Select(comment => comment with { Body = Redact(comment.Body, counts) })],
            };
        }

        private string Redact(string text, Dictionary<string, long> counts)
        {
            // The longest first, so a name inside the address is not replaced before the address is.
            var redacted = Needles.OrderByDescending(needle => needle.Length)
                .Aggregate(text, (current, needle) => Regex.Replace(current, Regex.Escape(needle), Replacement.Replace("$", "$$", StringComparison.Ordinal), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5)));
            if (redacted != text)
            {
                counts[TextsRedacted]++;
            }

            return redacted;
        }
    }
}
