using LiteDB;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Inbox;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Storage.LiteDb;

namespace ServiceDesk.Notification.Customers;

/// <summary>
/// Names and addresses in "known_customers"; a removed customer's tokens in "erased_names", one document per needle,
/// found by its first (most telling) token: a common word such as an address's "COM" finds none.
/// </summary>
public sealed class LiteDbKnownCustomerStore : IKnownCustomerStore
{
    private readonly LiteDatabase _database;
    private readonly LiteDbErasureLedger _ledger;
    private readonly ILiteCollection<BsonDocument> _customers;
    private readonly ILiteCollection<BsonDocument> _erased;

    public LiteDbKnownCustomerStore(LiteDatabase database, LiteDbErasureLedger ledger)
    {
        _database = database;
        _ledger = ledger;
        _customers = database.GetCreatedCollection("known_customers");
        _erased = database.GetCreatedCollection("erased_names");
        _erased.EnsureIndex("first_token", "$.FirstToken");
        _erased.EnsureIndex("customer_id", "$.CustomerId");
    }

    public Task<bool> KeepFromEventAsync(KnownCustomer customer, EventContext handledEvent, DateTimeOffset handledAt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_database.InTransaction(() =>
        {
            LiteDbInboxStore.RecordHandled(_database, handledEvent, handledAt);
            // Locked before the reads: an erasure forgetting the customer between them and the upsert would be undone.
            // The ledger is read under the lock too: the handler's own look at it came before this transaction, and a
            // removal of a customer this service did not know yet remembers no name that would refuse them here.
            _customers.LockForWrite();
            if ((_customers.FindOneById(customer.CustomerId) is { } stored && stored["Version"].AsInt64 >= customer.Version)
                || _erased.AnyMatches(BsonExpression.Create("$.CustomerId = @0", customer.CustomerId))
                || _ledger.IsCustomerErased(customer.CustomerId))
            {
                return false;
            }

            _customers.Upsert(ToDocument(customer));
            return true;
        }));
    }

    public Task<KnownCustomer?> FindAsync(string customerId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_customers.FindOneById(customerId) is { } document ? ToKnownCustomer(document) : null);
    }

    public Task RememberErasedAsync(string customerId, IReadOnlyList<IReadOnlyList<string>> needleTokens, DateTimeOffset erasedAt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _database.InTransaction(() =>
        {
            foreach (var tokens in needleTokens.Where(tokens => tokens.Count > 0))
            {
                // One document per customer and needle: a second run keeps the first.
                _erased.Upsert(new BsonDocument
                {
                    ["_id"] = ErasedId(customerId, tokens),
                    ["CustomerId"] = customerId,
                    ["FirstToken"] = tokens[0],
                    ["Tokens"] = new BsonArray(tokens.Select(token => new BsonValue(token))),
                    ["ErasedAt"] = erasedAt.UtcDateTime,
                });
            }
        });
        return Task.CompletedTask;
    }

    public Task ForgetErasedAsync(string customerId, IReadOnlyList<IReadOnlyList<string>> needleTokens, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _database.InTransaction(() =>
        {
            foreach (var tokens in needleTokens)
            {
                _erased.Delete(ErasedId(customerId, tokens));
            }
        });
        return Task.CompletedTask;
    }

    private static string ErasedId(string customerId, IReadOnlyList<string> tokens) => $"{customerId} {string.Join(' ', tokens)}";

    /// <summary>
    /// Whether a text holding <paramref name="textTokens"/> holds every token of the name or address of some customer
    /// removed after <paramref name="writtenSince"/> (any, when null); in the calling thread's transaction, if any: a
    /// delivery is checked before it commits.
    /// </summary>
    public bool NameAnErased(IReadOnlyCollection<string> textTokens, DateTimeOffset? writtenSince)
    {
        if (textTokens.Count == 0)
        {
            return false;
        }

        var held = textTokens.ToHashSet(StringComparer.Ordinal);
        return _erased.Find(BsonExpression.Create("$.FirstToken IN @0", new BsonArray(held.Select(token => new BsonValue(token)))))
            .Any(needle => ErasedNames.CountFor(needle["ErasedAt"].IsDateTime ? needle["ErasedAt"].AsDateTime : null, writtenSince) && needle["Tokens"].AsArray.All(token => held.Contains(token.AsString)));
    }

    public Task<bool> ForgetAsync(string customerId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_customers.Delete(customerId));
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
        LiteDbProfileHistory.Write(customer.History, document);
        return document;
    }

    private static KnownCustomer ToKnownCustomer(BsonDocument document) =>
        new(document["_id"].AsString, document["DisplayName"].AsString, document["Address"].AsString, document["Version"].AsInt64)
        {
            DisplayNameChosenByCustomer = document.TryGetValue("DisplayNameChosenByCustomer", out var chosen) && chosen.AsBoolean,
            History = LiteDbProfileHistory.Read(document),
        };
}
