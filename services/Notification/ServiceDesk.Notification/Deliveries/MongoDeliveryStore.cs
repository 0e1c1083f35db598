using MongoDB.Bson;
using MongoDB.Driver;
using ServiceDesk.Contracts.Notification.V1;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Notification.Customers;
using ServiceDesk.Storage.MongoDb;

namespace ServiceDesk.Notification.Deliveries;

/// <summary>Deliveries in the service's MongoDB database, "MentionTokens" (multikey) and their version "MentionIndex" indexed for erasures.</summary>
public sealed class MongoDeliveryStore(IMongoDatabase database, MongoErasureLedger ledger, MongoKnownCustomerStore customers, MentionTokens mentions)
    : IDeliveryStore, IMongoStore
{
    private const string CollectionName = "deliveries";

    /// <summary>
    /// Claims (<see cref="MongoClaims"/>) 0 to <see cref="WriteStripes"/> − 1, one of which each delivery's transaction
    /// writes, and all of which <see cref="WaitForWritesAsync"/> writes: the two conflict, so they cannot both miss the
    /// other. Striped, so that concurrent deliveries seldom conflict with each other.
    /// </summary>
    private const string WritesCollection = "delivery_writes";

    private const int WriteStripes = 16;

    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    private readonly IMongoCollection<BsonDocument> _deliveries = database.GetCollection<BsonDocument>(CollectionName);
    private readonly IMongoCollection<BsonDocument> _writes = database.GetCollection<BsonDocument>(WritesCollection);

    public static IReadOnlyList<MongoIndex> Indexes { get; } =
    [
        new(CollectionName, MongoIndex.KeysOf.Descending("ListOrder")),
        new(CollectionName, MongoIndex.KeysOf.Ascending("Due"), new CreateIndexOptions<BsonDocument> { PartialFilterExpression = Filter.Exists("Due") }),
        // A recipient's deliveries in list order: the lookups by recipient and their pages, without sorting them in memory.
        new(CollectionName, MongoIndex.KeysOf.Ascending("RecipientCustomerId").Descending("ListOrder")),
        new(CollectionName, MongoIndex.KeysOf.Ascending("AddressHash")),
        new(CollectionName, MongoIndex.KeysOf.Ascending("MentionTokens")),
        new(CollectionName, MongoIndex.KeysOf.Ascending("MentionIndex")),
    ];

    /// <summary>Deliveries written without current tokens: null matches a missing field too.</summary>
    private static readonly FilterDefinition<BsonDocument> Unindexed =
        Filter.Eq("MentionIndex", BsonNull.Value) | Filter.Lt("MentionIndex", Delivery.MentionIndexVersion);

    public async Task<int> AddAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken)
    {
        var added = 0;
        foreach (var delivery in deliveries)
        {
            var tokens = mentions.Of(delivery.MentionTexts);
            var document = ToDocument(delivery);
            document["MentionTokens"] = new BsonArray(tokens);
            document["MentionIndex"] = Delivery.MentionIndexVersion;
            try
            {
                var stored = await database.Client.InTransactionAsync(
                    async (session, token) =>
                    {
                        await _deliveries.InsertOneAsync(session, document, cancellationToken: token);
                        await _writes.ClaimAsync(session, (int)((uint)delivery.Id.GetHashCode() % WriteStripes), token);
                        if (await ledger.IsCustomerErasedAsync(session, delivery.RecipientCustomerId, token)
                            || await ledger.IsAddressErasedAsync(session, delivery.AddressHash, token))
                        {
                            await session.AbortTransactionAsync(token);
                            return false;
                        }

                        return await customers.NameAnErasedAsync(session, tokens, delivery.TicketCreatedAt, token) ? throw new SummaryNamesErasedException(delivery.Id) : true;
                    },
                    cancellationToken);
                added += stored ? 1 : 0;
            }
            catch (MongoWriteException exception) when (exception.WriteError.Category == ServerErrorCategory.DuplicateKey)
            {
                // Queued by an earlier delivery of the same event.
            }
        }

        return added;
    }

    public async Task WaitForWritesAsync(CancellationToken cancellationToken)
    {
        for (var stripe = 0; stripe < WriteStripes; stripe++)
        {
            await _writes.ClaimAsync(null, stripe, cancellationToken);
        }
    }

    public async Task<Delivery?> GetAsync(string id, CancellationToken cancellationToken) =>
        await _deliveries.Find(Filter.Eq("_id", id)).FirstOrDefaultAsync(cancellationToken) is { } document ? ToDelivery(document) : null;

    public async Task<IReadOnlyList<Delivery>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        (await _deliveries.Find(Filter.Lte("Due", now.ToUnixTimeMilliseconds())).Sort(Builders<BsonDocument>.Sort.Ascending("Due")).Limit(limit).ToListAsync(cancellationToken))
        .Select(ToDelivery).ToList();

    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        var next = await _deliveries.Find(Filter.Exists("Due")).Sort(Builders<BsonDocument>.Sort.Ascending("Due")).Limit(1).FirstOrDefaultAsync(cancellationToken);
        return next is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(next["Due"].ToInt64());
    }

    public async Task<bool> TryLeaseAsync(Delivery delivery, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var result = await _deliveries.UpdateOneAsync(
            Filter.Eq("_id", delivery.Id) & Filter.Eq("Due", delivery.NextAttemptAt.ToUnixTimeMilliseconds()),
            Builders<BsonDocument>.Update.Set("Due", until.ToUnixTimeMilliseconds()).Set("NextAttemptAt", until.ToUnixTimeMilliseconds()),
            cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    /// <summary>Keeps the stored mention tokens: a replacement over tokens another writer changed meanwhile (a backfill) writes nothing, and is tried again.</summary>
    public async Task<bool> UpdateAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        while (true)
        {
            var stored = await _deliveries.Find(Filter.Eq("_id", delivery.Id)).FirstOrDefaultAsync(cancellationToken);
            if (stored is null)
            {
                return false;
            }

            var document = ToDocument(delivery);
            var tokens = stored.GetValue("MentionTokens", BsonNull.Value);
            var version = stored.GetValue("MentionIndex", BsonNull.Value);
            document["MentionTokens"] = tokens;
            document["MentionIndex"] = version;
            var replaced = await _deliveries.ReplaceOneAsync(
                Filter.Eq("_id", delivery.Id) & Filter.Eq("MentionIndex", version), document, cancellationToken: cancellationToken);
            if (replaced.MatchedCount == 1)
            {
                return true;
            }
        }
    }

    public async Task<IReadOnlyList<Delivery>> ListAsync(DeliveryQuery query, CancellationToken cancellationToken)
    {
        var filter = Filter.Empty;
        if (query.BeforeListOrder is { } before)
        {
            filter &= Filter.Lt("ListOrder", before);
        }

        if (query.TicketId is { } ticketId)
        {
            filter &= Filter.Eq("TicketId", ticketId);
        }

        if (query.RecipientCustomerId is { } customerId)
        {
            filter &= Filter.Eq("RecipientCustomerId", customerId);
        }

        if (query.ProjectKeys is { } projectKeys)
        {
            filter &= Filter.In("ProjectKey", projectKeys);
        }

        var documents = await _deliveries.Find(filter).Sort(Builders<BsonDocument>.Sort.Descending("ListOrder")).Limit(query.Limit).ToListAsync(cancellationToken);
        return documents.Select(ToDelivery).ToList();
    }

    public async Task<IReadOnlyList<Delivery>> ListToRecipientAsync(string customerId, string addressHash, CancellationToken cancellationToken) =>
        (await _deliveries.Find(Filter.Eq("RecipientCustomerId", customerId) | Filter.Eq("AddressHash", addressHash)).ToListAsync(cancellationToken)).Select(ToDelivery).ToList();

    public async Task<IReadOnlyList<Delivery>> ListMentioningAsync(IReadOnlyCollection<IReadOnlyList<string>> tokenSets, CancellationToken cancellationToken)
    {
        var holding = tokenSets.Where(tokens => tokens.Count > 0).Select(tokens => Filter.All("MentionTokens", tokens));
        using var snapshot = await database.Client.StartSnapshotSessionAsync(cancellationToken);
        return (await _deliveries.Find(snapshot, Filter.Or([.. holding, Unindexed])).ToListAsync(cancellationToken)).Select(ToDelivery).ToList();
    }

    public async Task<int> IndexMentionsAsync(int limit, Func<Delivery, IEnumerable<string?>> textsOf, CancellationToken cancellationToken)
    {
        var unindexed = await _deliveries.Find(Unindexed).Limit(limit).ToListAsync(cancellationToken);
        foreach (var delivery in unindexed.Select(ToDelivery))
        {
            await _deliveries.UpdateOneAsync(
                Filter.Eq("_id", delivery.Id),
                Builders<BsonDocument>.Update.Set("MentionTokens", new BsonArray(mentions.Of(textsOf(delivery)))).Set("MentionIndex", Delivery.MentionIndexVersion),
                cancellationToken: cancellationToken);
        }

        return unindexed.Count;
    }

    public async Task<int> DeleteAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        (int)(await _deliveries.DeleteManyAsync(Filter.In("_id", ids), cancellationToken)).DeletedCount;

    private static BsonDocument ToDocument(Delivery delivery)
    {
        var document = new BsonDocument
        {
            ["_id"] = delivery.Id,
            ["TicketId"] = delivery.TicketId,
            ["ProjectKey"] = delivery.ProjectKey,
            ["RecipientCustomerId"] = delivery.RecipientCustomerId,
            ["ReporterCustomerId"] = delivery.ReporterCustomerId is { } reporter ? reporter : BsonNull.Value,
            ["RecipientAddress"] = delivery.RecipientAddress,
            ["RecipientName"] = delivery.RecipientName,
            ["AddressHash"] = delivery.AddressHash,
            ["Template"] = delivery.Template,
            ["Message"] = delivery.Message is { } message
                ? new BsonDocument { ["Subject"] = message.Subject, ["Text"] = message.Text, ["Html"] = message.Html }
                : BsonNull.Value,
            ["Status"] = (int)delivery.Status,
            ["Attempts"] = delivery.Attempts,
            ["NextAttemptAt"] = delivery.NextAttemptAt.ToUnixTimeMilliseconds(),
            ["CreatedAt"] = delivery.CreatedAt.ToUnixTimeMilliseconds(),
            ["SentAt"] = delivery.SentAt is { } sentAt ? sentAt.ToUnixTimeMilliseconds() : BsonNull.Value,
            ["LastError"] = delivery.LastError is { } error ? error : BsonNull.Value,
            ["ListOrder"] = delivery.ListOrder,
        };
        // Present only while queued, so the partial "Due" index holds just the outbox.
        if (delivery.Status == DeliveryStatus.Queued)
        {
            document["Due"] = delivery.NextAttemptAt.ToUnixTimeMilliseconds();
        }

        return document;
    }

    private static Delivery ToDelivery(BsonDocument document) => new()
    {
        Id = document["_id"].AsString,
        TicketId = document["TicketId"].AsString,
        ProjectKey = document["ProjectKey"].AsString,
        RecipientCustomerId = document["RecipientCustomerId"].AsString,
        ReporterCustomerId = document.GetValue("ReporterCustomerId", BsonNull.Value) is BsonString reporter ? reporter.Value : null,
        RecipientAddress = document["RecipientAddress"].AsString,
        RecipientName = document["RecipientName"].AsString,
        AddressHash = document["AddressHash"].AsString,
        Template = document["Template"].AsString,
        Message = document["Message"] is BsonDocument message
            ? new RenderedMessage(message["Subject"].AsString, message["Text"].AsString, message["Html"].AsString)
            : null,
        Status = (DeliveryStatus)document["Status"].AsInt32,
        Attempts = document["Attempts"].AsInt32,
        NextAttemptAt = DateTimeOffset.FromUnixTimeMilliseconds(document["NextAttemptAt"].ToInt64()),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(document["CreatedAt"].ToInt64()),
        SentAt = document["SentAt"].IsBsonNull ? null : DateTimeOffset.FromUnixTimeMilliseconds(document["SentAt"].ToInt64()),
        LastError = document["LastError"].IsBsonNull ? null : document["LastError"].AsString,
    };
}
