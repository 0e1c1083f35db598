using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using MongoDB.Driver;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Storage.MongoDb;

namespace ServiceDesk.Identity.Accounts;

public sealed class MongoAccountStore(IMongoDatabase database, MongoErasureLedger ledger) : IAccountStore, IMongoStore
{
    private const string CollectionName = "accounts";

    /// <summary>
    /// One claim (<see cref="MongoClaims"/>), written by every customer account's transaction and by
    /// <see cref="WaitForWritesAsync"/>: the two conflict, so they cannot both miss the other. Accounts are created
    /// seldom, so one claim is contention enough.
    /// </summary>
    private const string WritesCollection = "account_writes";

    private const string CustomerAccountsClaim = "customer-accounts";

    private readonly IMongoCollection<Account> _accounts = database.GetCollection<Account>(CollectionName);
    private readonly IMongoCollection<BsonDocument> _writes = database.GetCollection<BsonDocument>(WritesCollection);
    private readonly MongoIndexes _indexes = new(database, Indexes);

    static MongoAccountStore() =>
        BsonClassMap.TryRegisterClassMap<Account>(map =>
        {
            map.AutoMap();
            // A field a newer release added must not break this one during a rolling deploy.
            map.SetIgnoreExtraElements(true);
            map.MapMember(a => a.Role).SetSerializer(new EnumSerializer<AccountRole>(BsonType.String));
        });

    public static IReadOnlyList<MongoIndex> Indexes { get; } =
    [
        new(CollectionName, MongoIndex.KeysOf.Ascending(nameof(Account.Login)), new CreateIndexOptions { Unique = true }),
        new(CollectionName, MongoIndex.KeysOf.Ascending(nameof(Account.Role))),
        new(CollectionName, MongoIndex.KeysOf.Ascending(nameof(Account.CustomerId))),
    ];

    public async Task<bool> TryAddAsync(Account account, CancellationToken cancellationToken)
    {
        await _indexes.EnsureCreatedAsync(cancellationToken);
        try
        {
            if (account.CustomerId is not { } customerId)
            {
                await _accounts.InsertOneAsync(account, cancellationToken: cancellationToken);
                return true;
            }

            return await database.Client.InTransactionAsync(
                async (session, token) =>
                {
                    await _accounts.InsertOneAsync(session, account, cancellationToken: token);
                    await _writes.ClaimAsync(session, CustomerAccountsClaim, token);
                    return await ledger.IsCustomerErasedAsync(session, customerId, token) ? throw new CustomerErasedException(customerId) : true;
                },
                cancellationToken);
        }
        catch (MongoWriteException exception) when (exception.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            return false;
        }
    }

    public Task WaitForWritesAsync(CancellationToken cancellationToken) => _writes.ClaimAsync(null, CustomerAccountsClaim, cancellationToken);

    public async Task<Account?> GetAsync(string id, CancellationToken cancellationToken) =>
        await _accounts.Find(a => a.Id == id).FirstOrDefaultAsync(cancellationToken);

    public async Task<Account?> FindByLoginAsync(string login, CancellationToken cancellationToken) =>
        await _accounts.Find(a => a.Login == login).FirstOrDefaultAsync(cancellationToken);

    public async Task<bool> AnyWithRoleAsync(AccountRole role, CancellationToken cancellationToken) =>
        await _accounts.Find(a => a.Role == role).Limit(1).AnyAsync(cancellationToken);

    public async Task<IReadOnlyList<Account>> ListByCustomerAsync(string customerId, CancellationToken cancellationToken) =>
        await _accounts.Find(a => a.CustomerId == customerId).ToListAsync(cancellationToken);

    public async Task<bool> SetPasswordHashAsync(string id, string passwordHash, CancellationToken cancellationToken)
    {
        var result = await _accounts.UpdateOneAsync(a => a.Id == id, Builders<Account>.Update.Set(a => a.PasswordHash, passwordHash), cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    public async Task<bool> RehashPasswordAsync(string id, string verifiedHash, string rehash, CancellationToken cancellationToken)
    {
        var result = await _accounts.UpdateOneAsync(
            a => a.Id == id && a.PasswordHash == verifiedHash, Builders<Account>.Update.Set(a => a.PasswordHash, rehash), cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    public async Task<bool> SetDisabledAsync(string id, bool disabled, CancellationToken cancellationToken)
    {
        var update = Builders<Account>.Update.Set(a => a.Disabled, disabled);
        if (disabled)
        {
            return (await _accounts.UpdateOneAsync(a => a.Id == id, update, cancellationToken: cancellationToken)).MatchedCount == 1;
        }

        return await database.Client.InTransactionAsync(
            async (session, token) =>
            {
                var account = await _accounts.FindOneAndUpdateAsync(session, a => a.Id == id, update, cancellationToken: token);
                if (account?.CustomerId is not { } customerId)
                {
                    return account is not null;
                }

                await _writes.ClaimAsync(session, CustomerAccountsClaim, token);
                return await ledger.IsCustomerErasedAsync(session, customerId, token) ? throw new CustomerErasedException(customerId) : true;
            },
            cancellationToken);
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) =>
        (await _accounts.DeleteOneAsync(a => a.Id == id, cancellationToken)).DeletedCount == 1;
}
