using LiteDB;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Storage.LiteDb;
using ServiceDesk.Ticketing.Erasure;
using ServiceDesk.Ticketing.Mail;

namespace ServiceDesk.Ticketing.Tickets;

/// <summary>
/// Tickets in the service's LiteDB file, comments inside their ticket. "ListOrder" ("KEY 0000000042") orders
/// a project's tickets by number, so a page is one descending index range; the per-project counters live in
/// "ticket_numbers", the messages taken in (by keyed hash) in "inbound_mail". "MentionTokens" (indexed, multikey) are the
/// texts' <see cref="MentionTokens"/>, written with every ticket; "MentionIndex" is their version. "reporter_id" and
/// "participant_ids" find a customer's tickets (an erasure, a customer's own list). A removed customer's names kept for
/// good are in "erased_names", found by their first token.
/// </summary>
public sealed class LiteDbTicketStore : ITicketStore
{
    private const int ReplaceBatchSize = 500;

    private readonly LiteDatabase _database;
    private readonly LiteDbOutboxStore _outbox;
    private readonly LiteDbErasureLedger _ledger;
    private readonly MentionTokens _mentions;
    private readonly ILiteCollection<BsonDocument> _tickets;
    private readonly LiteDbCounter _numbers;
    private readonly ILiteCollection<BsonDocument> _mail;
    private readonly ILiteCollection<BsonDocument> _erasedNames;

    public LiteDbTicketStore(LiteDatabase database, LiteDbOutboxStore outbox, LiteDbErasureLedger ledger, MentionTokens mentions)
    {
        _database = database;
        _outbox = outbox;
        _ledger = ledger;
        _mentions = mentions;
        _tickets = database.GetCreatedCollection("tickets");
        _numbers = new LiteDbCounter(database.GetCreatedCollection("ticket_numbers"), "Last");
        _mail = database.GetCreatedCollection("inbound_mail");
        _erasedNames = database.GetCreatedCollection("erased_names");
        _tickets.EnsureIndex("list_order", "$.ListOrder");
        // Files written before the reporter and participant indexes had one index of both; nothing reads it now.
        _tickets.DropIndex("customer_ids");
        _tickets.EnsureIndex("reporter_id", "$.ReporterId");
        _tickets.EnsureIndex("participant_ids", "$.ParticipantIds[*]");
        _tickets.EnsureIndex("mention_tokens", "$.MentionTokens[*]");
        _tickets.EnsureIndex("mention_index", "$.MentionIndex");
        _erasedNames.EnsureIndex("first_token", "$.FirstToken");
    }

    public Task<Ticket> InsertNextAsync(string projectKey, Func<long, NumberedTicket> ticketOf, CancellationToken cancellationToken)
    {
        // A project's counter is created by its first ticket; only that can collide, and once: any other duplicate key
        // (a ticket's own) must surface instead of being retried for ever.
        for (var counterCreatedMeanwhile = false; ; counterCreatedMeanwhile = true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return Task.FromResult(_database.InTransaction(() =>
                {
                    var (ticket, events, mail) = ticketOf(_numbers.Next(projectKey));
                    _tickets.Insert(ToDocument(ticket));
                    RefuseErasedJoining(null, ticket);
                    Record(mail, null, ticket);
                    _outbox.Enqueue(events);
                    return ticket;
                }));
            }
            catch (LiteException exception) when (exception.ErrorCode == LiteException.INDEX_DUPLICATE_KEY && !counterCreatedMeanwhile)
            {
                // Another caller created the project's counter first: count on from theirs.
            }
        }
    }

    public Task InsertAsync(Ticket ticket, IReadOnlyList<OutgoingEvent> events, InboundMail? mail, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _database.InTransaction(() =>
        {
            _tickets.Insert(ToDocument(ticket));
            RefuseErasedJoining(null, ticket);
            Record(mail, null, ticket);
            _outbox.Enqueue(events);
        });
        return Task.CompletedTask;
    }

    public Task<Ticket?> GetAsync(string id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_tickets.FindOneById(id) is { } document ? ToTicket(document) : null);
    }

    public Task<bool> ReplaceAsync(Ticket before, Ticket after, IReadOnlyList<OutgoingEvent> events, InboundMail? mail, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_database.InTransaction(() =>
        {
            if (!Replace(before, after))
            {
                return false;
            }

            Record(mail, before, after);
            _outbox.Enqueue(events);
            return true;
        }));
    }

    /// <summary>One transaction per <see cref="ReplaceBatchSize"/> tickets: a commit costs about as much as several replacements.</summary>
    public Task<IReadOnlyList<string>> ReplaceManyAsync(IReadOnlyList<(Ticket Before, Ticket After)> tickets, CancellationToken cancellationToken) =>
        Task.FromResult(ReplaceMany(tickets, cancellationToken));

    /// <returns>The ids of the tickets not written because the stored one is no longer at the version of their before.</returns>
    private IReadOnlyList<string> ReplaceMany(IEnumerable<(Ticket Before, Ticket After)> replacements, CancellationToken cancellationToken)
    {
        var stale = new List<string>();
        foreach (var batch in replacements.Chunk(ReplaceBatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            _database.InTransaction(() => stale.AddRange(batch.Where(replacement => !Replace(replacement.Before, replacement.After)).Select(replacement => replacement.After.Id)));
        }

        return stale;
    }

    /// <summary>In the caller's transaction.</summary>
    /// <returns>False, having written nothing, when the stored ticket is no longer at <paramref name="before"/>'s version.</returns>
    private bool Replace(Ticket before, Ticket after)
    {
        // The version check is the delete's predicate, evaluated under the collection's write lock: a
        // writer that committed meanwhile leaves nothing at the expected version to delete.
        if (_tickets.DeleteMany(BsonExpression.Create("_id = @0 AND $.Version = @1", before.Id, before.Version)) == 0)
        {
            return false;
        }

        _tickets.Insert(ToDocument(after));
        RefuseErasedJoining(before, after);
        return true;
    }

    /// <summary>
    /// In the caller's transaction, after its ticket write took the tickets' write lock: an erasure recorded in the ledger
    /// before this read is seen here, and one recorded after it reads the tickets only once this transaction ended
    /// (<see cref="WaitForJoiningWritesAsync"/>).
    /// </summary>
    private void RefuseErasedJoining(Ticket? before, Ticket after)
    {
        if (after.CustomersJoining(before).FirstOrDefault(_ledger.IsCustomerErased) is { } erased)
        {
            throw new CustomerErasedException(erased);
        }
    }

    /// <summary>Every ticket write takes the tickets' write lock (<see cref="LiteDbTransactions.WaitForWriters"/>).</summary>
    public Task WaitForJoiningWritesAsync(string customerId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _database.WaitForWriters(_tickets);
        return Task.CompletedTask;
    }

    public Task RememberErasedNamesAsync(IReadOnlyList<ErasedName> names, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _database.InTransaction(() =>
        {
            foreach (var name in names)
            {
                _erasedNames.Upsert(new BsonDocument
                {
                    ["_id"] = name.Id,
                    ["CustomerId"] = name.CustomerId,
                    ["FirstToken"] = name.FirstToken,
                    ["WordTokens"] = new BsonArray(name.WordTokens.Select(token => new BsonValue(token))),
                    ["Replacement"] = name.Replacement,
                });
            }
        });
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ErasedName>> ListErasedNamesAsync(IReadOnlyCollection<string> tokens, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(ErasedNamesWith(tokens));
    }

    private IReadOnlyList<ErasedName> ErasedNamesWith(IReadOnlyCollection<string> tokens) =>
        tokens.Count == 0
            ? []
            : [.. _erasedNames.Find(BsonExpression.Create("$.FirstToken IN @0", new BsonArray(tokens.Select(token => new BsonValue(token))))).Select(document => new ErasedName(
                document["CustomerId"].AsString, document["FirstToken"].AsString, [.. document["WordTokens"].AsArray.Select(token => token.AsString)], document["Replacement"].AsString))];

    /// <summary>Every ticket write takes the tickets' write lock, and checks the names read in its transaction.</summary>
    public Task WaitForMailWritesAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _database.WaitForWriters(_tickets);
        return Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string id, long expectedVersion, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_tickets.DeleteMany(BsonExpression.Create("_id = @0 AND $.Version = @1", id, expectedVersion)) == 1);
    }

    public Task<IReadOnlyList<Ticket>> GetManyAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<Ticket>>(ids.Count == 0
            ? []
            : [.. _tickets.Find(BsonExpression.Create("_id IN @0", new BsonArray(ids.Select(id => new BsonValue(id))))).Select(ToTicket)]);
    }

    /// <summary>
    /// The selection makes LiteDB deserialise only these fields of each document read (not its tokens, dates or comment
    /// metadata); the count of the others reads only the reporter index (LiteDB's key-only loader: the query names no
    /// field but the indexed one), not the documents, which on a customer with thousands of tickets was most of an erasure.
    /// </summary>
    public Task<ConcerningTickets> FindConcerningAsync(string customerId, bool readReported, IReadOnlyCollection<string> texts, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var read = Concerning(Joined(customerId))
            .Concat(readReported ? Concerning(Reported(customerId)) : [])
            .DistinctBy(ticket => ticket.Id)
            .ToList();
        var reported = readReported
            ? 0
            : _tickets.Query().Where(Reported(customerId)).Select(BsonExpression.Create("$.ReporterId")).ToEnumerable().LongCount()
                - read.Count(ticket => ticket.ReporterId == customerId);
        return Task.FromResult(new ConcerningTickets(read, Math.Max(reported, 0)));

        IEnumerable<ConcerningTicket> Concerning(BsonExpression predicate) => _tickets.Query()
            .Where(predicate)
            .Select(ConcerningFields)
            .ToEnumerable()
            .Select(document => new ConcerningTicket(
                document["_id"].AsString,
                document["ReporterId"].AsString,
                [.. document["ParticipantIds"].AsArray.Select(id => id.AsString)],
                (TicketStatus)document["Status"].AsInt32,
                document["Version"].AsInt64,
                Ticket.Mention(TextsOf(document), texts)));
    }

    private static BsonExpression Reported(string customerId) => BsonExpression.Create("$.ReporterId = @0", customerId);

    private static BsonExpression Joined(string customerId) => BsonExpression.Create("$.ParticipantIds[*] ANY = @0", customerId);

    private static readonly BsonExpression ConcerningFields = BsonExpression.Create(
        "{ _id: $._id, ReporterId: $.ReporterId, ParticipantIds: $.ParticipantIds, Status: $.Status, Version: $.Version, Summary: $.Summary, Description: $.Description, Comments: $.Comments }");

    public Task<IReadOnlyList<Ticket>> ListMentioningAsync(IReadOnlyCollection<string> texts, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_database.InTransaction(IReadOnlyList<Ticket> () => [.. Naming(texts).Select(ToTicket)]));
    }

    public Task<IReadOnlyDictionary<string, int>> CountReportersMentioningAsync(string text, string customerId, int upTo, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var counts = _database.InTransaction(() => CommonPhrase.ReportersPerProject(
            Naming([text])
                .Where(document => document["ReporterId"].AsString != customerId && !document["ParticipantIds"].AsArray.Any(id => id.AsString == customerId))
                .Select(document => (document["ProjectKey"].AsString, (string?)document["ReporterId"].AsString)),
            upTo));
        return Task.FromResult(counts);
    }

    /// <summary>
    /// Read lazily: only the documents found by the tokens, or without current tokens, are read; only those naming a text
    /// are kept. Enumerate it in one transaction: its reads then share one snapshot, so a ticket the backfill indexes
    /// between them is found by one of them (read apart, it was unindexed for the first and indexed for the second).
    /// </summary>
    private IEnumerable<BsonDocument> Naming(IReadOnlyCollection<string> texts) =>
        _tickets.FindHoldingAll(texts.Select(_mentions.QueryTokens))
            .Concat(_tickets.FindUnindexed(int.MaxValue))
            .DistinctBy(document => document["_id"].AsString)
            .Where(document => MentionTokens.NameAny(TextsOf(document), texts));

    public Task<int> IndexMentionsAsync(int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var unindexed = _tickets.FindUnindexed(limit).Select(ToTicket).ToList();
        // Written over the version read, like an erasure's writes: one changed meanwhile got its tokens from that change.
        ReplaceMany(unindexed.Select(ticket => (ticket, ticket)), cancellationToken);
        return Task.FromResult(unindexed.Count);
    }

    private static IEnumerable<string> TextsOf(BsonDocument document) =>
        new[] { document["Summary"], document["Description"] }.Concat(document["Comments"].AsArray.Select(comment => comment["Body"])).Select(text => text.AsString);

    public Task<InboundMail?> FindMailAsync(IReadOnlyCollection<string> messageHashes, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var document = messageHashes.Select(hash => _mail.FindOneById(hash)).FirstOrDefault(found => found is not null);
        return Task.FromResult(document is null ? null : ToInboundMail(document));
    }

    private static InboundMail ToInboundMail(BsonDocument document)
    {
        var outcome = (IngestOutcome)document["Outcome"].AsInt32;
        var letsCopiesIn = document.TryGetValue(InboundMail.LetsCopiesInField, out var stored) ? stored.AsBoolean : (bool?)null;
        return new InboundMail(document["_id"].AsString, document["TicketId"].AsString, outcome, InboundMail.LetsCopiesInOf(letsCopiesIn, outcome));
    }

    /// <summary>Inside the caller's transaction: a message recorded before fails it, and so writes nothing.</summary>
    /// <summary>
    /// In the caller's transaction, after its ticket write took the tickets' write lock: names kept before this read are
    /// seen here, and an erasure keeping them after it reads the tickets only once this transaction ended
    /// (<see cref="WaitForMailWritesAsync"/>).
    /// </summary>
    private void Record(InboundMail? mail, Ticket? before, Ticket after)
    {
        if (mail is null)
        {
            return;
        }

        var added = after.TextsAddedSince(before).ToList();
        if (ErasedName.AnyHeldIn(ErasedNamesWith(_mentions.Of(added)), added, _mentions))
        {
            throw new TextNamesErasedException();
        }

        try
        {
            _mail.Insert(new BsonDocument
            {
                ["_id"] = mail.MessageHash, ["TicketId"] = mail.TicketId, ["Outcome"] = (int)mail.Outcome, [InboundMail.LetsCopiesInField] = mail.LetsCopiesIn,
            });
        }
        catch (LiteException exception) when (exception.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            throw new DuplicateMailException(mail.MessageHash);
        }
    }

    public Task<IReadOnlyList<Ticket>> ListAsync(TicketQuery query, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // One snapshot: a customer's page is read in two steps (CustomerPage).
        return Task.FromResult(_database.InTransaction(IReadOnlyList<Ticket> () =>
        {
            var page = query.ConcerningCustomerId is { } customerId
                // LiteDB uses no index for an OR: the tickets the customer reports and those they take part in are two
                // index lookups, merged.
                ? CustomerPage([Matching(query, Reported(customerId)), Matching(query, Joined(customerId))], query.Limit)
                : query.ReporterId is not null
                    ? CustomerPage([Matching(query, null)], query.Limit)
                    : Matching(query, null).OrderByDescending("$.ListOrder").Limit(query.Limit).ToEnumerable();
            return [.. page.Select(ToTicket)];
        }));
    }

    private ILiteQueryable<BsonDocument> Matching(TicketQuery query, BsonExpression? customerPredicate)
    {
        var upper = query.BeforeNumber is { } before ? ListOrder(query.ProjectKey, before - 1) : ListOrder(query.ProjectKey, long.MaxValue);
        var tickets = _tickets.Query().Where(BsonExpression.Create("$.ListOrder BETWEEN @0 AND @1", ListOrder(query.ProjectKey, 0), upper));
        if (query.Status is { } status)
        {
            tickets = tickets.Where(BsonExpression.Create("$.Status = @0", (int)status));
        }

        if (query.ReporterId is { } reporterId)
        {
            tickets = tickets.Where(Reported(reporterId));
        }

        return customerPredicate is null ? tickets : tickets.Where(customerPredicate);
    }

    /// <summary>
    /// A customer's tickets come through the reporter or participant index, not in list order, and LiteDB would sort
    /// them with a new 800 KB buffer per query (bench/RESULTS.md, "Eighth round"): their ids and list keys are read,
    /// merged and ordered here, and only the page's tickets are read whole.
    /// </summary>
    private List<BsonDocument> CustomerPage(IEnumerable<ILiteQueryable<BsonDocument>> lookups, int limit) =>
        lookups.SelectMany(tickets => tickets.Select(ListKey).ToEnumerable())
            .DistinctBy(key => key["_id"].AsString)
            .OrderByDescending(key => key["ListOrder"].AsString, StringComparer.Ordinal)
            .Take(limit)
            .Select(key => _tickets.FindOneById(key["_id"]))
            .OfType<BsonDocument>()
            .ToList();

    private static string ListOrder(string projectKey, long number) => $"{projectKey} {number:D19}";

    private static readonly BsonExpression ListKey = BsonExpression.Create("{ _id: $._id, ListOrder: $.ListOrder }");

    private BsonDocument ToDocument(Ticket ticket) => new()
    {
        ["_id"] = ticket.Id,
        ["ProjectKey"] = ticket.ProjectKey,
        ["Number"] = ticket.Number,
        ["ListOrder"] = ListOrder(ticket.ProjectKey, ticket.Number),
        ["Summary"] = ticket.Summary,
        ["Description"] = ticket.Description,
        ["ReporterId"] = ticket.ReporterId,
        ["ParticipantIds"] = new BsonArray(ticket.ParticipantIds.Select(id => new BsonValue(id))),
        ["Status"] = (int)ticket.Status,
        ["Comments"] = new BsonArray(ticket.Comments.Select(comment => new BsonDocument
        {
            ["Id"] = comment.Id,
            ["AuthorAccountId"] = comment.AuthorAccountId,
            ["AuthorCustomerId"] = comment.AuthorCustomerId,
            ["Body"] = comment.Body,
            ["Internal"] = comment.Internal,
            ["CreatedAt"] = comment.CreatedAt.UtcDateTime,
        })),
        ["CreatedAt"] = ticket.CreatedAt.UtcDateTime,
        ["UpdatedAt"] = ticket.UpdatedAt.UtcDateTime,
        ["CustomersUpdatedAt"] = ticket.CustomersUpdatedAt is { } customersUpdatedAt ? customersUpdatedAt.UtcDateTime : BsonValue.Null,
        ["Version"] = ticket.Version,
        ["MentionTokens"] = new BsonArray(_mentions.Of(ticket.Texts).Select(token => new BsonValue(token))),
        ["MentionIndex"] = MentionTokens.Version,
    };

    private static Ticket ToTicket(BsonDocument document) => new(
        document["_id"].AsString,
        document["ProjectKey"].AsString,
        document["Number"].AsInt64,
        document["Summary"].AsString,
        document["Description"].AsString,
        document["ReporterId"].AsString,
        [.. document["ParticipantIds"].AsArray.Select(id => id.AsString)],
        (TicketStatus)document["Status"].AsInt32,
        [
            .. document["Comments"].AsArray.Select(value => value.AsDocument).Select(comment => new TicketComment(
                comment["Id"].AsString,
                comment["AuthorAccountId"].IsNull ? null : comment["AuthorAccountId"].AsString,
                comment["AuthorCustomerId"].IsNull ? null : comment["AuthorCustomerId"].AsString,
                comment["Body"].AsString,
                comment["Internal"].AsBoolean,
                new DateTimeOffset(comment["CreatedAt"].AsDateTime.ToUniversalTime()))),
        ],
        new DateTimeOffset(document["CreatedAt"].AsDateTime.ToUniversalTime()),
        new DateTimeOffset(document["UpdatedAt"].AsDateTime.ToUniversalTime()),
        document["Version"].AsInt64)
    {
        CustomersUpdatedAt = document.TryGetValue("CustomersUpdatedAt", out var customersUpdatedAt) && !customersUpdatedAt.IsNull
            ? new DateTimeOffset(customersUpdatedAt.AsDateTime.ToUniversalTime())
            : null,
    };
}
