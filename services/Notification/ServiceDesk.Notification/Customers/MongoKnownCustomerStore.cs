using MongoDB.Bson;
using MongoDB.Driver;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Inbox;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Storage.MongoDb;

namespace ServiceDesk.Notification.Customers;

/// <summary>As <see cref="LiteDbKnownCustomerStore"/>: "known_customers", and "erased_names" found by their first token.</summary>
public sealed class MongoKnownCustomerStore(IMongoDatabase database, MongoErasureLedger ledger) : IKnownCustomerStore, IMongoStore
{
    private const string ErasedCollection = "erased_names";

    /// <summary>
    /// A claim per customer (<see cref="MongoClaims"/>), written by each event's transaction that keeps them and by their
    /// forgetting: a customer's first event finds no document the forgetting would delete, so without the claim its
    /// transaction, reading from before the removal remembered the name, could commit after the forgetting, unseen.
    /// </summary>
    private const string WritesCollection = "known_customer_writes";

    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    private readonly IMongoCollection<BsonDocument> _customers = database.GetCollection<BsonDocument>("known_customers");
    private readonly IMongoCollection<BsonDocument> _erased = database.GetCollection<BsonDocument>(ErasedCollection);
    private readonly IMongoCollection<BsonDocument> _writes = database.GetCollection<BsonDocument>(WritesCollection);

    public static IReadOnlyList<MongoIndex> Indexes =>
    [
        new(ErasedCollection, MongoIndex.KeysOf.Ascending("FirstToken"), new CreateIndexOptions { Name = "first_token" }),
        new(ErasedCollection, MongoIndex.KeysOf.Ascending("CustomerId"), new CreateIndexOptions { Name = "customer_id" }),
    ];

    public Task<bool> KeepFromEventAsync(KnownCustomer customer, EventContext handledEvent, DateTimeOffset handledAt, CancellationToken cancellationToken) =>
        database.Client.InTransactionAsync(
            async (session, token) =>
            {
                await MongoInboxStore.RecordHandledAsync(database, session, handledEvent, handledAt, token);
                await _writes.ClaimAsync(session, customer.CustomerId, token);
                var stored = await _customers.Find(session, Filter.Eq("_id", customer.CustomerId)).FirstOrDefaultAsync(token);
                if ((stored is not null && stored["Version"].AsInt64 >= customer.Version)
                    || await _erased.Find(session, Filter.Eq("CustomerId", customer.CustomerId)).AnyAsync(token)
                    || await ledger.IsCustomerErasedAsync(session, customer.CustomerId, token))
                {
                    return false;
                }

                await _customers.ReplaceOneAsync(session, Filter.Eq("_id", customer.CustomerId), ToDocument(customer), new ReplaceOptions { IsUpsert = true }, token);
                return true;
            },
            cancellationToken);

    public async Task<KnownCustomer?> FindAsync(string customerId, CancellationToken cancellationToken) =>
        await _customers.Find(Filter.Eq("_id", customerId)).FirstOrDefaultAsync(cancellationToken) is { } document ? ToKnownCustomer(document) : null;

    public async Task RememberErasedAsync(string customerId, IReadOnlyList<IReadOnlyList<string>> needleTokens, DateTimeOffset erasedAt, CancellationToken cancellationToken)
    {
        foreach (var tokens in needleTokens.Where(tokens => tokens.Count > 0))
        {
            var id = ErasedId(customerId, tokens);
            var document = new BsonDocument
            {
                ["_id"] = id,
                ["CustomerId"] = customerId,
                ["FirstToken"] = tokens[0],
                ["Tokens"] = new BsonArray(tokens),
                ["ErasedAt"] = erasedAt.UtcDateTime,
            };
            await _erased.ReplaceOneAsync(Filter.Eq("_id", id), document, new ReplaceOptions { IsUpsert = true }, cancellationToken);
        }
    }

    public Task ForgetErasedAsync(string customerId, IReadOnlyList<IReadOnlyList<string>> needleTokens, CancellationToken cancellationToken) =>
        _erased.DeleteManyAsync(Filter.In("_id", needleTokens.Select(tokens => ErasedId(customerId, tokens))), cancellationToken);

    private static string ErasedId(string customerId, IReadOnlyList<string> tokens) => $"{customerId} {string.Join(' ', tokens)}";

    /// <summary>
    /// Whether a text holding <paramref name="textTokens"/> holds every token of the name or address of some customer
    /// removed after <paramref name="writtenSince"/> (any, when null); in <paramref name="session"/>'s transaction: a
    /// delivery is checked before it commits.
    /// </summary>
    public async Task<bool> NameAnErasedAsync(IClientSessionHandle session, IReadOnlyCollection<string> textTokens, DateTimeOffset? writtenSince, CancellationToken cancellationToken)
    {
        if (textTokens.Count == 0)
        {
            return false;
        }

        var held = textTokens.ToHashSet(StringComparer.Ordinal);
        var byFirstToken = Filter.In("FirstToken", held);
        var candidates = await _erased.Find(session, byFirstToken).ToListAsync(cancellationToken);
        return candidates.Any(needle => ErasedNames.CountFor(needle.GetValue("ErasedAt", BsonNull.Value) is { IsValidDateTime: true } erasedAt ? erasedAt.ToUniversalTime() : null, writtenSince) && needle["Tokens"].AsBsonArray.All(token => held.Contains(token.AsString)));
    }

    public async Task<bool> ForgetAsync(string customerId, CancellationToken cancellationToken)
    {
        await _writes.ClaimAsync(null, customerId, cancellationToken);
        return (await _customers.DeleteOneAsync(Filter.Eq("_id", customerId), cancellationToken)).DeletedCount == 1;
    }

    private static BsonDocument ToDocument(KnownCustomer customer)
    {
        var document = new BsonDocument
        {
            ["_id"] = customer.CustomerId,
            ["DisplayName"] = customer.DisplayName,
            ["Address"] = customer.Address,
            ["Version"] = customer.Version,
            ["DisplayNameChosenByCustomer"] = customer.DisplayNameChosenByCustomer,
        };
        MongoProfileHistory.Write(customer.History, document);
        return document;
    }

    private static KnownCustomer ToKnownCustomer(BsonDocument document) =>
        new(document["_id"].AsString, document["DisplayName"].AsString, document["Address"].AsString, document["Version"].ToInt64())
        {
            DisplayNameChosenByCustomer = document.GetValue("DisplayNameChosenByCustomer", false).AsBoolean,
            History = MongoProfileHistory.Read(document),
        };
}
