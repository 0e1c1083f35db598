using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Ticketing.Customers;
using ServiceDesk.Ticketing.Tickets;
using TicketStatus = ServiceDesk.Contracts.Ticketing.V1.TicketStatus;

namespace ServiceDesk.Ticketing.Erasure;

/// <summary>
/// Ticketing's part of a customer removal. With a successor, the customer's open tickets (reported or taken part
/// in) of the successor's projects move to the successor first. Then the customer leaves every participant list; under PURGE the tickets they
/// still report are deleted, under ANONYMIZE they stay and show the pseudonym. Their addresses and display names,
/// current and former (<see cref="ProfileHistory"/>), are replaced by the pseudonym wherever a summary, description or
/// comment holds them, in any letter case; a display name shorter than <see cref="MentionTokens.ShortestNeedle"/> nowhere,
/// one of one word or that the customer chose themselves (it may be anyone's) in their own tickets only, and one that is
/// a common phrase in a project (<see cref="CommonPhrase"/>, counted among the tickets the customer neither reports nor
/// takes part in) not in other people's tickets of that project. Last, their
/// snapshot, where the name and address came from, becomes the pseudonym for good (<see cref="CustomerSnapshot.ErasedAs"/>),
/// so a run interrupted before it still finds what to redact. Before any ticket is looked for, the keyed tokens of each
/// name and address replaced in other people's tickets, in every project (so neither a name common in one nor one the
/// customer chose), are kept for good (<see cref="ITicketStore.RememberErasedNamesAsync"/>): mail taken in later, a
/// message forwarding an old one, a reply quoting a language's attribution that <see cref="Mail.ReplyText"/> does not
/// know, gets the pseudonym in their place (<see cref="Mail.MailIntake"/>). Erasure changes raise each ticket's version but send
/// no ticket events: nobody is notified of a removal. A second run changes nothing more.
/// </summary>
public sealed class TicketingErasure(
    ITicketStore tickets, ICustomerSnapshotStore snapshots, DirectoryCustomers customers, CustomerProfiles profiles, MentionTokens mentions, TombstonePepper pepper,
    TimeProvider time)
    : ICustomerErasure
{
    public const string TicketsMoved = "tickets_moved";
    public const string TicketsDeleted = "tickets_deleted";
    public const string TicketsAnonymized = "tickets_anonymized";
    public const string ParticipationsRemoved = "participations_removed";
    public const string TextsRedacted = "texts_redacted";
    public const string SnapshotsAnonymized = "snapshots_anonymized";

    private const string RedactedWithoutPseudonym = "[redacted]";

    /// <summary>
    /// The customer's tickets through the reporter and participant indexes, only as far as needed to tell which change
    /// (<see cref="ConcerningTicket"/>), and the tickets whose texts name them; only the tickets that change are built.
    /// The tickets they report, which neither a purge nor a successor is to change, are only counted.
    /// </summary>
    public async Task<ErasurePlan> PlanAsync(ErasureScope scope, CancellationToken cancellationToken)
    {
        // The ledger holds the removal by now: a ticket write still bringing the customer in ends before the tickets
        // are read, and any later one is refused, so no ticket that names them is missed.
        await tickets.WaitForJoiningWritesAsync(scope.CustomerId, cancellationToken);
        // Likewise the snapshot: a name or address an event or a read from Directory stores meanwhile is read here.
        await snapshots.WaitForWritesAsync(scope.CustomerId, cancellationToken);
        var rules = await RulesAsync(scope, cancellationToken);
        var common = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var commonIn = new Dictionary<string, IReadOnlySet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in rules.Names)
        {
            if (rules.SpellingsOfOneWordNames.Contains(name))
            {
                common.Add(name);
                continue;
            }

            var reporters = await tickets.CountReportersMentioningAsync(name, scope.CustomerId, CommonPhrase.ReportersToCount, cancellationToken);
            if (CommonPhrase.ProjectsWhereCommon(reporters) is { Count: > 0 } projects)
            {
                commonIn[name] = projects;
            }
        }

        rules = rules with { CommonNames = common, CommonInProjects = commonIn };
        var specific = rules.SpecificNeedles;
        if (!scope.IsDryRun)
        {
            // Kept before the tickets are read: a message taken in from here on is checked against them, and one being
            // written ends first (WaitForMailWritesAsync), so no ticket mail brings the names into is missed.
            await tickets.RememberErasedNamesAsync(
                [.. specific.Where(needle => !commonIn.ContainsKey(needle))
                    .Select(needle => (Query: mentions.QueryTokens(needle), Words: mentions.WordTokens(needle)))
                    .Where(needle => needle.Query.Count > 0)
                    .Select(needle => new ErasedName(scope.CustomerId, needle.Query[0], needle.Words, rules.Replacement))],
                cancellationToken);
            await tickets.WaitForMailWritesAsync(cancellationToken);
        }

        var mentioning = specific.Count == 0 ? [] : await tickets.ListMentioningAsync(specific, cancellationToken);
        var mentioningIds = mentioning.Select(ticket => ticket.Id).ToHashSet(StringComparer.Ordinal);
        // A name looked for in the customer's own tickets only: those they report are then read too.
        var readReported = rules.Purge || rules.SuccessorId is not null || specific.Count < rules.Needles.Count;
        var concerning = await tickets.FindConcerningAsync(scope.CustomerId, readReported, rules.Needles, cancellationToken);
        var unchanged = rules.EmptyCounts();
        var changing = new List<string>();
        foreach (var ticket in concerning.Read)
        {
            if (mentioningIds.Contains(ticket.Id))
            {
                continue;
            }

            if (rules.Changes(ticket))
            {
                changing.Add(ticket.Id);
            }
            else
            {
                rules.CountUnchanged(ticket, unchanged);
            }
        }

        // Those of the unread that name the customer are among the mentioning, weighed with them.
        var readIds = concerning.Read.Select(ticket => ticket.Id).ToHashSet(StringComparer.Ordinal);
        rules.CountUnchangedReported(concerning.ReportedUnread - mentioning.Count(ticket => ticket.ReporterId == scope.CustomerId && !readIds.Contains(ticket.Id)), unchanged);

        var weighed = new List<Weighed>();
        var planned = new Dictionary<string, long>(unchanged);
        foreach (var ticket in mentioning.Concat(await tickets.GetManyAsync(changing, cancellationToken)))
        {
            var delta = ErasureRules.NoChange();
            weighed.Add(new Weighed(ticket, rules.Apply(ticket, delta), delta));
            Add(planned, delta);
        }

        return new ErasurePlan(planned, token => ApplyAsync(scope, rules, unchanged, weighed, token));
    }

    private async Task<IReadOnlyDictionary<string, long>> ApplyAsync(
        ErasureScope scope, ErasureRules rules, IReadOnlyDictionary<string, long> unchanged, IReadOnlyList<Weighed> weighed, CancellationToken cancellationToken)
    {
        if (rules.SuccessorId is { } successorId)
        {
            // The successor's name and address, for the tickets that move to them.
            await customers.SnapshotAsync(successorId, "successor_customer_id", cancellationToken);
        }

        var counts = new Dictionary<string, long>(unchanged);
        var changed = new List<(Ticket Before, Ticket After)>();
        var deltas = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        var now = time.Now();
        foreach (var (candidate, outcome, delta) in weighed)
        {
            switch (outcome)
            {
                case null:
                    await EraseFromAsync(candidate.Id, rules, counts, cancellationToken);
                    break;
                case var same when ReferenceEquals(same, candidate):
                    Add(counts, delta);
                    break;
                default:
                    changed.Add((candidate, outcome with { Version = candidate.Version + 1, UpdatedAt = now }));
                    deltas[candidate.Id] = delta;
                    break;
            }
        }

        // The candidates as read, written together; one changed meanwhile is read and erased again on its own.
        var stale = (await tickets.ReplaceManyAsync(changed, cancellationToken)).ToHashSet(StringComparer.Ordinal);
        foreach (var (_, ticket) in changed)
        {
            if (stale.Contains(ticket.Id))
            {
                await EraseFromAsync(ticket.Id, rules, counts, cancellationToken);
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
    private async Task EraseFromAsync(string ticketId, ErasureRules rules, Dictionary<string, long> counts, CancellationToken cancellationToken)
    {
        while (await tickets.GetAsync(ticketId, cancellationToken) is { } current)
        {
            var delta = ErasureRules.NoChange();
            var outcome = rules.Apply(current, delta);
            var written = outcome switch
            {
                null => await tickets.DeleteAsync(current.Id, current.Version, cancellationToken),
                _ when ReferenceEquals(outcome, current) => true,
                _ => await tickets.ReplaceAsync(current, outcome with { Version = current.Version + 1, UpdatedAt = time.Now() }, [], null, cancellationToken),
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

    private async Task<ErasureRules> RulesAsync(ErasureScope scope, CancellationToken cancellationToken)
    {
        var snapshot = (await snapshots.GetManyAsync([scope.CustomerId], cancellationToken)).GetValueOrDefault(scope.CustomerId);
        var live = snapshot is { Erased: false } ? snapshot : null;
        var successor = scope.SuccessorCustomerId is { Length: > 0 } successorId && successorId != scope.CustomerId
            ? await SuccessorAsync(successorId, cancellationToken)
            : null;
        // The snapshot's, and the command's final profile's: a change behind in the customer stream is not in the snapshot.
        var final = await profiles.FinalProfileAsync(scope, live is null ? null : ProfileHistory.ProfileOf(live.DisplayName, live.DisplayNameChosenByCustomer, live.Address, live.History), cancellationToken);
        var givenAddresses = ProfileHistory.AddressesAlsoIn(live is null ? [] : live.History.AddressesWith(live.Address), final).ToList();
        var addresses = givenAddresses.Concat(scope.TombstonedMailboxesOf(givenAddresses, pepper))
            .Where(IsLongEnough).SelectMany(MentionTokens.AddressSpellings).ToList();
        // An address is the customer's alone, never a common phrase, also where a name repeats it.
        var givenNames = ProfileHistory.NamesAlsoIn(live is null ? [] : live.History.NamesWith(live.DisplayName, live.DisplayNameChosenByCustomer), final)
            .Where(name => IsLongEnough(name.Text) && !addresses.Contains(name.Text, StringComparer.OrdinalIgnoreCase))
            .ToList();
        var names = givenNames.SelectMany(MentionTokens.NameSpellings).DistinctBy(name => name.Text, StringComparer.OrdinalIgnoreCase).ToList();
        return new ErasureRules(
            scope.CustomerId,
            successor?.CustomerId,
            successor?.ProjectKeys.ToHashSet(StringComparer.Ordinal) ?? [],
            scope.Mode == ErasureMode.Purge,
            [.. addresses, .. names.Select(name => name.Text)],
            names.Select(name => name.Text).ToHashSet(StringComparer.OrdinalIgnoreCase),
            names.Where(name => name.ChosenByCustomer).Select(name => name.Text).ToHashSet(StringComparer.OrdinalIgnoreCase),
            givenNames.Where(name => !MentionTokens.IsFullName(name.Text)).SelectMany(MentionTokens.NameSpellings).Select(name => name.Text)
                .ToHashSet(StringComparer.OrdinalIgnoreCase),
            scope.Pseudonym.Length > 0 ? scope.Pseudonym : RedactedWithoutPseudonym,
            SnapshotIsLive: live is not null);
    }

    private static bool IsLongEnough(string needle) => needle.Trim().Length >= MentionTokens.ShortestNeedle;

    /// <summary>The successor as Directory describes them now; none when they are gone meanwhile (the tickets then stay without one).</summary>
    private async Task<CustomerSnapshot?> SuccessorAsync(string successorId, CancellationToken cancellationToken)
    {
        try
        {
            return await customers.ReadAsync(successorId, "successor_customer_id", cancellationToken);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    /// <summary>A ticket as read, what the erasure makes of it (<see cref="ErasureRules.Apply"/>), and what that counts.</summary>
    private sealed record Weighed(Ticket Ticket, Ticket? Outcome, Dictionary<string, long> Delta);

    /// <param name="Needles">
    /// The customer's addresses and display names, current and former, as the snapshot (while not erased) and the
    /// command's final profile hold them (of <see cref="MentionTokens.ShortestNeedle"/> or more). All are replaced in the
    /// tickets the customer reports or takes part in.
    /// </param>
    /// <param name="Names">Those of <see cref="Needles"/> that are display names: only a name is replaced as whole words, or can be a common phrase.</param>
    /// <param name="NamesChosenByCustomer">The names the customer only ever chose themselves: they may be anyone's, so are replaced in the customer's own tickets only.</param>
    /// <param name="SpellingsOfOneWordNames">
    /// The spellings of the names that are no full name (<see cref="MentionTokens.IsFullName"/>): they name nobody for sure.
    /// Told by the name, not by its spelling: a full name's base64 encoded word (<c>=?utf-8?b?…?=</c>) is one word, and
    /// names her as surely as the name does.
    /// </param>
    /// <param name="SuccessorProjects">The successor's projects: only tickets of these move to them.</param>
    private sealed record ErasureRules(
        string CustomerId,
        string? SuccessorId,
        IReadOnlySet<string> SuccessorProjects,
        bool Purge,
        IReadOnlyList<string> Needles,
        IReadOnlySet<string> Names,
        IReadOnlySet<string> NamesChosenByCustomer,
        IReadOnlySet<string> SpellingsOfOneWordNames,
        string Replacement,
        bool SnapshotIsLive)
    {
        /// <summary>The names of one word: replaced in the customer's own tickets only, as whole words.</summary>
        public IReadOnlySet<string> CommonNames { get; init; } = new HashSet<string>();

        /// <summary>
        /// The names that are common phrases in some projects (<see cref="CommonPhraseReporters"/>), with those projects: in
        /// their tickets replaced as <see cref="CommonNames"/> are, elsewhere as any other name.
        /// </summary>
        public IReadOnlyDictionary<string, IReadOnlySet<string>> CommonInProjects { get; init; } = new Dictionary<string, IReadOnlySet<string>>();

        /// <summary>Those of <see cref="Needles"/> replaced in other people's tickets of some project: those looked for in every ticket.</summary>
        public IReadOnlyList<string> SpecificNeedles => [.. Needles.Where(needle => !CommonNames.Contains(needle) && !NamesChosenByCustomer.Contains(needle))];

        /// <summary>Those of <see cref="Needles"/> replaced in other people's tickets of the project.</summary>
        private IReadOnlyList<string> SpecificNeedlesIn(string projectKey) => [.. SpecificNeedles.Where(needle => !IsCommonIn(needle, projectKey))];

        private bool IsCommonIn(string name, string projectKey) =>
            CommonNames.Contains(name) || (CommonInProjects.TryGetValue(name, out var projects) && projects.Contains(projectKey));

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

        /// <summary>
        /// Whether <see cref="Apply"/> may change or delete the ticket (the customer reports or takes part in it); an open
        /// one with a successor is weighed whole, where its project decides.
        /// </summary>
        public bool Changes(ConcerningTicket ticket) =>
            (SuccessorId is not null && ticket.Status is not (TicketStatus.Resolved or TicketStatus.Closed))
            || ticket.ParticipantIds.Contains(CustomerId)
            || (Purge && ticket.ReporterId == CustomerId)
            || ticket.Mentions;

        /// <summary>What <see cref="Apply"/> counts for a ticket it leaves unchanged.</summary>
        public void CountUnchanged(ConcerningTicket ticket, Dictionary<string, long> counts) =>
            CountUnchangedReported(ticket.ReporterId == CustomerId ? 1 : 0, counts);

        /// <summary>What <see cref="Apply"/> counts for <paramref name="tickets"/> the customer reports that it leaves unchanged.</summary>
        public void CountUnchangedReported(long tickets, Dictionary<string, long> counts) =>
            counts[TicketsAnonymized] += SnapshotIsLive ? Math.Max(tickets, 0) : 0;

        /// <summary>The ticket after erasure (null: deleted; the same instance: unchanged), counting what changed.</summary>
        public Ticket? Apply(Ticket ticket, Dictionary<string, long> counts)
        {
            var own = ticket.Concerns(CustomerId);
            var changed = ticket;
            // A reporter or participant must be a customer of the ticket's project: elsewhere the customer only leaves.
            if (SuccessorId is { } successor && changed.Concerns(CustomerId) && changed.Status is not (TicketStatus.Resolved or TicketStatus.Closed)
                && SuccessorProjects.Contains(changed.ProjectKey))
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

            return Redacted(changed, own, counts);
        }

        /// <summary>
        /// In the customer's own tickets every occurrence is replaced, also inside a word, so no byte of it stays; in
        /// other people's tickets the name only where it stands as whole words, as it was found, so a name that is also
        /// a phrase does not garble their words; and a name of one word or a common phrase likewise in their own.
        /// </summary>
        private Ticket Redacted(Ticket ticket, bool own, Dictionary<string, long> counts)
        {
            var needles = own ? Needles : SpecificNeedlesIn(ticket.ProjectKey);
            if (!ticket.Mentions(needles))
            {
                return ticket;
            }

            var before = counts[TextsRedacted];
            var redacted = ticket with
            {
                Summary = Redact(ticket.Summary, ticket.ProjectKey, needles, own, counts),
                Description = Redact(ticket.Description, ticket.ProjectKey, needles, own, counts),
                Comments = [.. ticket.Comments.Select(comment => comment with { Body = Redact(comment.Body, ticket.ProjectKey, needles, own, counts) })],
            };

            // Held only inside words, where a name of one word or a phrase is not replaced: the ticket stays as it is.
            return counts[TextsRedacted] == before ? ticket : redacted;
        }

        private string Redact(string text, string projectKey, IReadOnlyList<string> needles, bool own, Dictionary<string, long> counts)
        {
            // The addresses first, the longest first, so a name inside an address is not replaced before the address is; then
            // the names together, so a spelling standing across two mentions of the name takes neither.
            var redacted = MentionTokens.ReplaceEach(
                needles.Where(needle => !Names.Contains(needle)).OrderByDescending(needle => needle.Length)
                    .Aggregate(text, (current, address) => MentionTokens.ReplaceAnywhere(current, address, Replacement)),
                needles.Where(Names.Contains).Select(name => (name, !own || IsCommonIn(name, projectKey))),
                Replacement);
            if (redacted != text)
            {
                counts[TextsRedacted]++;
            }

            return redacted;
        }
    }
}
