using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using MongoDB.Driver;

namespace ServiceDesk.Identity.Accounts;

public sealed class MongoAccountStore : IAccountStore
{
    private readonly IMongoCollection<Account> _accounts;

    static MongoAccountStore() =>
        BsonClassMap.TryRegisterClassMap<Account>(map =>
        {
            map.AutoMap();
            map.MapMember(a => a.Role).SetSerializer(new EnumSerializer<AccountRole>(BsonType.String));
        });

    public MongoAccountStore(IMongoDatabase database)
    {
        _accounts = database.GetCollection<Account>("accounts");
        // Once per process, when the store is first resolved; a failure is not cached and is retried on next use.
        _accounts.Indexes.CreateMany(
        [
            new CreateIndexModel<Account>(Builders<Account>.IndexKeys.Ascending(a => a.Login), new CreateIndexOptions { Unique = true }),
            new CreateIndexModel<Account>(Builders<Account>.IndexKeys.Ascending(a => a.Role)),
        ]);
    }

    public async Task<bool> TryAddAsync(Account account, CancellationToken cancellationToken)
    {
        try
        {
            await _accounts.InsertOneAsync(account, cancellationToken: cancellationToken);
            return true;
        }
        catch (MongoWriteException exception) when (exception.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            return false;
        }
    }

    public async Task<Account?> GetAsync(string id, CancellationToken cancellationToken) =>
        await _accounts.Find(a => a.Id == id).FirstOrDefaultAsync(cancellationToken);

    public async Task<Account?> FindByLoginAsync(string login, CancellationToken cancellationToken) =>
        await _accounts.Find(a => a.Login == login).FirstOrDefaultAsync(cancellationToken);

    public async Task<bool> AnyWithRoleAsync(AccountRole role, CancellationToken cancellationToken) =>
        await _accounts.Find(a => a.Role == role).Limit(1).AnyAsync(cancellationToken);

    public async Task<bool> SetPasswordHashAsync(string id, string passwordHash, CancellationToken cancellationToken)
    {
        var result = await _accounts.UpdateOneAsync(a => a.Id == id, Builders<Account>.Update.Set(a => a.PasswordHash, passwordHash), cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    public async Task<bool> SetDisabledAsync(string id, bool disabled, CancellationToken cancellationToken)
    {
        var result = await _accounts.UpdateOneAsync(a => a.Id == id, Builders<Account>.Update.Set(a => a.Disabled, disabled), cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) =>
        (await _accounts.DeleteOneAsync(a => a.Id == id, cancellationToken)).DeletedCount == 1;
}
