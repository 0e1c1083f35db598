using MongoDB.Bson;
using MongoDB.Driver;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Storage.MongoDb;
using ServiceDesk.Ticketing.Erasure;
using ServiceDesk.Ticketing.Mail;

namespace ServiceDesk.Ticketing.Tickets;

/// <summary>
/// Tickets in the service's MongoDB database, comments inside their ticket; indexed by project and number
/// (descending) for listing, by "MentionTokens" (multikey: the texts' <see cref="MentionTokens"/>) and their version
/// "MentionIndex" for an erasure's search. Changes and their events commit in one transaction (a replica set is needed).
/// </summary>
public sealed class MongoTicketStore(IMongoDatabase database, MongoOutboxStore outbox, MongoErasureLedger ledger, MentionTokens mentions) : ITicketStore, IMongoStore
{
    private const string TicketsCollection = "tickets";

    /// <summary>
    /// A claim (<see cref="MongoClaims"/>) per customer that a ticket write brought into a ticket, written by that write's
    /// transaction and by <see cref="WaitForJoiningWritesAsync"/>: the two conflict, so they cannot both miss the other.
    /// </summary>
    private const string JoiningCollection = "ticket_joinings";

    /// <summary>
    /// Claims that make a write recording an inbound message and <see cref="WaitForMailWritesAsync"/> meet, as
    /// <see cref="JoiningCollection"/>'s do: each such write claims one stripe, and the wait claims all.
    /// </summary>
    private const string MailWritesCollection = "ticket_mail_writes";

    private const int MailWriteStripes = 16;

    private const string ErasedNamesCollection = "erased_names";

    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    private readonly IMongoCollection<BsonDocument> _tickets = database.GetCollection<BsonDocument>(TicketsCollection);
    private readonly MongoCounter _numbers = new(database.GetCollection<BsonDocument>("ticket_numbers"), "Last");
    private readonly IMongoCollection<BsonDocument> _mail = database.GetCollection<BsonDocument>("inbound_mail");
    private readonly IMongoCollection<BsonDocument> _joinings = database.GetCollection<BsonDocument>(JoiningCollection);
    private readonly IMongoCollection<BsonDocument> _mailWrites = database.GetCollection<BsonDocument>(MailWritesCollection);
    private readonly IMongoCollection<BsonDocument> _erasedNames = database.GetCollection<BsonDocument>(ErasedNamesCollection);

    public static IReadOnlyList<MongoIndex> Indexes { get; } =
    [
        new(TicketsCollection, MongoIndex.KeysOf.Ascending("ProjectKey").Descending("Number"), new CreateIndexOptions { Name = "project_number" }),
        new(TicketsCollection, MongoIndex.KeysOf.Ascending("CustomerIds"), new CreateIndexOptions { Name = "customer_ids" }),
        new(TicketsCollection, MongoIndex.KeysOf.Ascending("MentionTokens"), new CreateIndexOptions { Name = "mention_tokens" }),
        new(TicketsCollection, MongoIndex.KeysOf.Ascending("MentionIndex"), new CreateIndexOptions { Name = "mention_index" }),
        new(ErasedNamesCollection, MongoIndex.KeysOf.Ascending("FirstToken"), new CreateIndexOptions { Name = "first_token" }),
    ];

    /// <summary>Tickets written without current tokens: null matches a missing field too.</summary>
    private static readonly FilterDefinition<BsonDocument> Unindexed =
        Filter.Eq("MentionIndex", BsonNull.Value) | Filter.Lt("MentionIndex", MentionTokens.Version);

    public Task<Ticket> InsertNextAsync(string projectKey, Func<long, NumberedTicket> ticketOf, CancellationToken cancellationToken) =>
        database.Client.InTransactionAsync(
            async (session, token) =>
            {
                // Concurrent creates conflict on the counter; the transaction is retried with the next number.
                var (ticket, events, mail) = ticketOf(await _numbers.AddAsync(session, projectKey, 1, token));
                await _tickets.InsertOneAsync(session, ToDocument(ticket), cancellationToken: token);
                await RefuseErasedJoiningAsync(session, null, ticket, token);
                await RecordAsync(session, mail, null, ticket, token);
                await outbox.EnqueueAsync(session, events, token);
                return ticket;
            },
            cancellationToken);

    public Task InsertAsync(Ticket ticket, IReadOnlyList<OutgoingEvent> events, InboundMail? mail, CancellationToken cancellationToken) =>
        database.Client.InTransactionAsync(
            async (session, token) =>
            {
                await _tickets.InsertOneAsync(session, ToDocument(ticket), cancellationToken: token);
                await RefuseErasedJoiningAsync(session, null, ticket, token);
                await RecordAsync(session, mail, null, ticket, token);
                await outbox.EnqueueAsync(session, events, token);
                return true;
            },
            cancellationToken);

    public async Task<Ticket?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var document = await _tickets.Find(Filter.Eq("_id", id)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : ToTicket(document);
    }

    public Task<bool> ReplaceAsync(Ticket before, Ticket after, IReadOnlyList<OutgoingEvent> events, InboundMail? mail, CancellationToken cancellationToken) =>
        database.Client.InTransactionAsync(
            async (session, token) =>
            {
                if (!await ReplaceAsync(session, before, after, token))
                {
                    return false;
                }

                await RecordAsync(session, mail, before, after, token);
                await outbox.EnqueueAsync(session, events, token);
                return true;
            },
            cancellationToken);

    /// <summary>
    /// Each replacement is one document's, atomic without a transaction; they carry no events. One that brings a
    /// customer in (an erasure's successor) is checked against the ledger in a transaction of its own.
    /// </summary>
    public async Task<IReadOnlyList<string>> ReplaceManyAsync(IReadOnlyList<(Ticket Before, Ticket After)> tickets, CancellationToken cancellationToken)
    {
        var stale = new List<string>();
        foreach (var (before, after) in tickets)
        {
            var written = after.CustomersJoining(before).Any()
                ? await database.Client.InTransactionAsync((session, token) => ReplaceAsync(session, before, after, token), cancellationToken)
                : (await _tickets.ReplaceOneAsync(VersionOf(before), ToDocument(after), cancellationToken: cancellationToken)).MatchedCount == 1;
            if (!written)
            {
                stale.Add(after.Id);
            }
        }

        return stale;
    }

    private async Task<bool> ReplaceAsync(IClientSessionHandle session, Ticket before, Ticket after, CancellationToken cancellationToken)
    {
        var result = await _tickets.ReplaceOneAsync(session, VersionOf(before), ToDocument(after), cancellationToken: cancellationToken);
        if (result.MatchedCount == 0)
        {
            return false;
        }

        await RefuseErasedJoiningAsync(session, before, after, cancellationToken);
        return true;
    }

    private static FilterDefinition<BsonDocument> VersionOf(Ticket ticket) => Filter.Eq("_id", ticket.Id) & Filter.Eq("Version", ticket.Version);

    /// <summary>In the write's transaction, after its claim on each joining customer (<see cref="JoiningCollection"/>).</summary>
    private async Task RefuseErasedJoiningAsync(IClientSessionHandle session, Ticket? before, Ticket after, CancellationToken cancellationToken)
    {
        foreach (var customerId in after.CustomersJoining(before))
        {
            await _joinings.ClaimAsync(session, customerId, cancellationToken);
            if (await ledger.IsCustomerErasedAsync(session, customerId, cancellationToken))
            {
                throw new CustomerErasedException(customerId);
            }
        }
    }

    public Task WaitForJoiningWritesAsync(string customerId, CancellationToken cancellationToken) => _joinings.ClaimAsync(null, customerId, cancellationToken);

    public async Task RememberErasedNamesAsync(IReadOnlyList<ErasedName> names, CancellationToken cancellationToken)
    {
        foreach (var name in names)
        {
            var document = new BsonDocument
            {
                ["_id"] = name.Id,
                ["CustomerId"] = name.CustomerId,
                ["FirstToken"] = name.FirstToken,
                ["WordTokens"] = new BsonArray(name.WordTokens),
                ["Replacement"] = name.Replacement,
            };
            await _erasedNames.ReplaceOneAsync(Filter.Eq("_id", name.Id), document, new ReplaceOptions { IsUpsert = true }, cancellationToken);
        }
    }

    public Task<IReadOnlyList<ErasedName>> ListErasedNamesAsync(IReadOnlyCollection<string> tokens, CancellationToken cancellationToken) =>
        ErasedNamesWithAsync(null, tokens, cancellationToken);

    private async Task<IReadOnlyList<ErasedName>> ErasedNamesWithAsync(IClientSessionHandle? session, IReadOnlyCollection<string> tokens, CancellationToken cancellationToken)
    {
        if (tokens.Count == 0)
        {
            return [];
        }

        var filter = Filter.In("FirstToken", tokens);
        var documents = await (session is null ? _erasedNames.Find(filter) : _erasedNames.Find(session, filter)).ToListAsync(cancellationToken);
        return [.. documents.Select(document => new ErasedName(
            document["CustomerId"].AsString, document["FirstToken"].AsString, [.. document["WordTokens"].AsBsonArray.Select(token => token.AsString)], document["Replacement"].AsString))];
    }

    public async Task WaitForMailWritesAsync(CancellationToken cancellationToken)
    {
        for (var stripe = 0; stripe < MailWriteStripes; stripe++)
        {
            await _mailWrites.ClaimAsync(null, stripe, cancellationToken);
        }
    }

    public async Task<bool> DeleteAsync(string id, long expectedVersion, CancellationToken cancellationToken) =>
        (await _tickets.DeleteOneAsync(Filter.Eq("_id", id) & Filter.Eq("Version", expectedVersion), cancellationToken)).DeletedCount == 1;

    public async Task<IReadOnlyList<Ticket>> GetManyAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        ids.Count == 0 ? [] : [.. (await _tickets.Find(Filter.In("_id", ids)).ToListAsync(cancellationToken)).Select(ToTicket)];

    /// <summary>The server sends only the fields the erasure weighs (not the tokens, dates or comment metadata), and counts the others itself.</summary>
    public async Task<ConcerningTickets> FindConcerningAsync(string customerId, bool readReported, IReadOnlyCollection<string> texts, CancellationToken cancellationToken)
    {
        var concerning = Filter.Eq("CustomerIds", customerId);
        var reported = concerning & Filter.Eq("ReporterId", customerId);
        var documents = await _tickets.Find(readReported ? concerning : concerning & Filter.Eq("ParticipantIds", customerId))
            .Project(Builders<BsonDocument>.Projection.Include("ReporterId").Include("ParticipantIds").Include("Status").Include("Version")
                .Include("Summary").Include("Description").Include("Comments.Body"))
            .ToListAsync(cancellationToken);
        var read = documents.Select(document => new ConcerningTicket(
            document["_id"].AsString,
            document["ReporterId"].AsString,
            [.. document["ParticipantIds"].AsBsonArray.Select(id => id.AsString)],
            (TicketStatus)document["Status"].ToInt32(),
            document["Version"].ToInt64(),
            Ticket.Mention(
                new[] { document["Summary"], document["Description"] }.Concat(document["Comments"].AsBsonArray.Select(comment => comment["Body"])).Select(text => text.AsString),
                texts))).ToList();
        var unread = readReported
            ? 0
            : await _tickets.CountDocumentsAsync(reported, cancellationToken: cancellationToken) - read.Count(ticket => ticket.ReporterId == customerId);
        return new ConcerningTickets(read, Math.Max(unread, 0));
    }

    public async Task<IReadOnlyList<Ticket>> ListMentioningAsync(IReadOnlyCollection<string> texts, CancellationToken cancellationToken)
    {
        using var snapshot = await database.Client.StartSnapshotSessionAsync(cancellationToken);
        var documents = await _tickets.Find(snapshot, HoldingAny(texts)).ToListAsync(cancellationToken);
        return [.. documents.Select(ToTicket).Where(ticket => MentionTokens.NameAny(ticket.Texts, texts))];
    }

    public async Task<IReadOnlyDictionary<string, int>> CountReportersMentioningAsync(string text, string customerId, int upTo, CancellationToken cancellationToken)
    {
        // On an array field $ne holds when no element equals the value.
        var others = HoldingAny([text]) & Filter.Ne("ReporterId", customerId) & Filter.Ne("ParticipantIds", customerId);
        using var snapshot = await database.Client.StartSnapshotSessionAsync(cancellationToken);
        using var cursor = await _tickets.Find(snapshot, others).ToCursorAsync(cancellationToken);
        var naming = new List<(string, string?)>();
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            naming.AddRange(cursor.Current.Select(ToTicket).Where(ticket => MentionTokens.NameAny(ticket.Texts, [text])).Select(ticket => (ticket.ProjectKey, (string?)ticket.ReporterId)));
        }

        return CommonPhrase.ReportersPerProject(naming, upTo);
    }

    /// <summary>The tickets holding every token of one of the texts, and those without current tokens: a filter, confirmed by the texts.</summary>
    private FilterDefinition<BsonDocument> HoldingAny(IReadOnlyCollection<string> texts) =>
        Filter.Or([.. texts.Select(mentions.QueryTokens).Where(tokens => tokens.Count > 0).Select(tokens => Filter.All("MentionTokens", tokens)), Unindexed]);

    public async Task<int> IndexMentionsAsync(int limit, CancellationToken cancellationToken)
    {
        var unindexed = await _tickets.Find(Unindexed).Limit(limit).ToListAsync(cancellationToken);
        foreach (var ticket in unindexed.Select(ToTicket))
        {
            // Over the version read: one changed meanwhile got its tokens from that change.
            await _tickets.ReplaceOneAsync(Filter.Eq("_id", ticket.Id) & Filter.Eq("Version", ticket.Version), ToDocument(ticket), cancellationToken: cancellationToken);
        }

        return unindexed.Count;
    }

    public async Task<InboundMail?> FindMailAsync(IReadOnlyCollection<string> messageHashes, CancellationToken cancellationToken)
    {
        var documents = await _mail.Find(Filter.In("_id", messageHashes)).ToListAsync(cancellationToken);
        var document = messageHashes.Select(hash => documents.Find(found => found["_id"].AsString == hash)).FirstOrDefault(found => found is not null);
        return document is null ? null : ToInboundMail(document);
    }

    private static InboundMail ToInboundMail(BsonDocument document)
    {
        var outcome = (IngestOutcome)document["Outcome"].ToInt32();
        var letsCopiesIn = document.TryGetValue(InboundMail.LetsCopiesInField, out var stored) ? stored.ToBoolean() : (bool?)null;
        return new InboundMail(document["_id"].AsString, document["TicketId"].AsString, outcome, InboundMail.LetsCopiesInOf(letsCopiesIn, outcome));
    }

    /// <summary>In the write's transaction, after its claim on a stripe of <see cref="MailWritesCollection"/>.</summary>
    private async Task RecordAsync(IClientSessionHandle session, InboundMail? mail, Ticket? before, Ticket after, CancellationToken cancellationToken)
    {
        if (mail is null)
        {
            return;
        }

        await _mailWrites.ClaimAsync(session, (int)((uint)mail.MessageHash.GetHashCode() % MailWriteStripes), cancellationToken);
        var added = after.TextsAddedSince(before).ToList();
        if (ErasedName.AnyHeldIn(await ErasedNamesWithAsync(session, mentions.Of(added), cancellationToken), added, mentions))
        {
            throw new TextNamesErasedException();
        }

        try
        {
            await _mail.InsertOneAsync(
                session,
                new BsonDocument
                {
                    ["_id"] = mail.MessageHash, ["TicketId"] = mail.TicketId, ["Outcome"] = (int)mail.Outcome, [InboundMail.LetsCopiesInField] = mail.LetsCopiesIn,
                },
                cancellationToken: cancellationToken);
        }
        catch (MongoWriteException exception) when (exception.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            throw new DuplicateMailException(mail.MessageHash);
        }
    }

    public async Task<IReadOnlyList<Ticket>> ListAsync(TicketQuery query, CancellationToken cancellationToken)
    {
        var filter = Filter.Eq("ProjectKey", query.ProjectKey);
        if (query.BeforeNumber is { } before)
        {
            filter &= Filter.Lt("Number", before);
        }

        if (query.Status is { } status)
        {
            filter &= Filter.Eq("Status", (int)status);
        }

        if (query.ReporterId is { } reporterId)
        {
            filter &= Filter.Eq("ReporterId", reporterId);
        }

        if (query.ConcerningCustomerId is { } customerId)
        {
            filter &= Filter.Eq("CustomerIds", customerId);
        }

        var documents = await _tickets.Find(filter).Sort(Builders<BsonDocument>.Sort.Descending("Number")).Limit(query.Limit).ToListAsync(cancellationToken);
        return [.. documents.Select(ToTicket)];
    }

    private BsonDocument ToDocument(Ticket ticket) => new()
    {
        ["_id"] = ticket.Id,
        ["ProjectKey"] = ticket.ProjectKey,
        ["Number"] = ticket.Number,
        ["Summary"] = ticket.Summary,
        ["Description"] = ticket.Description,
        ["ReporterId"] = ticket.ReporterId,
        ["ParticipantIds"] = new BsonArray(ticket.ParticipantIds),
        ["CustomerIds"] = new BsonArray(ticket.CustomerIds),
        ["Status"] = (int)ticket.Status,
        ["Comments"] = new BsonArray(ticket.Comments.Select(comment => new BsonDocument
        {
            ["Id"] = comment.Id,
            ["AuthorAccountId"] = comment.AuthorAccountId is null ? BsonNull.Value : comment.AuthorAccountId,
            ["AuthorCustomerId"] = comment.AuthorCustomerId is null ? BsonNull.Value : comment.AuthorCustomerId,
            ["Body"] = comment.Body,
            ["Internal"] = comment.Internal,
            ["CreatedAt"] = comment.CreatedAt.UtcDateTime,
        })),
        ["CreatedAt"] = ticket.CreatedAt.UtcDateTime,
        ["UpdatedAt"] = ticket.UpdatedAt.UtcDateTime,
        ["CustomersUpdatedAt"] = ticket.CustomersUpdatedAt is { } customersUpdatedAt ? customersUpdatedAt.UtcDateTime : BsonNull.Value,
        ["Version"] = ticket.Version,
        ["MentionTokens"] = new BsonArray(mentions.Of(ticket.Texts)),
        ["MentionIndex"] = MentionTokens.Version,
    };

    private static Ticket ToTicket(BsonDocument document) => new(
        document["_id"].AsString,
        document["ProjectKey"].AsString,
        document["Number"].ToInt64(),
        document["Summary"].AsString,
        document["Description"].AsString,
        document["ReporterId"].AsString,
        [.. document["ParticipantIds"].AsBsonArray.Select(id => id.AsString)],
        (TicketStatus)document["Status"].ToInt32(),
        [
            .. document["Comments"].AsBsonArray.Select(value => value.AsBsonDocument).Select(comment => new TicketComment(
                comment["Id"].AsString,
                comment["AuthorAccountId"].IsBsonNull ? null : comment["AuthorAccountId"].AsString,
                comment["AuthorCustomerId"].IsBsonNull ? null : comment["AuthorCustomerId"].AsString,
                comment["Body"].AsString,
                comment["Internal"].AsBoolean,
                new DateTimeOffset(comment["CreatedAt"].ToUniversalTime()))),
        ],
        new DateTimeOffset(document["CreatedAt"].ToUniversalTime()),
        new DateTimeOffset(document["UpdatedAt"].ToUniversalTime()),
        document["Version"].ToInt64())
    {
        CustomersUpdatedAt = document.TryGetValue("CustomersUpdatedAt", out var customersUpdatedAt) && !customersUpdatedAt.IsBsonNull
            ? new DateTimeOffset(customersUpdatedAt.ToUniversalTime())
            : null,
    };
}
