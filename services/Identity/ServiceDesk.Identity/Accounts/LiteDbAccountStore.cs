using LiteDB;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Storage.LiteDb;

namespace ServiceDesk.Identity.Accounts;

public sealed class LiteDbAccountStore : IAccountStore
{
    private readonly LiteDatabase _database;
    private readonly LiteDbErasureLedger _ledger;
    private readonly ILiteCollection<Account> _accounts;

    public LiteDbAccountStore(LiteDatabase database, LiteDbErasureLedger ledger)
    {
        _database = database;
        _ledger = ledger;
        _accounts = database.GetMappedCollection<Account>("accounts");
        _accounts.EnsureIndex(a => a.Login, unique: true);
        _accounts.EnsureIndex(a => a.Role);
        _accounts.EnsureIndex(a => a.CustomerId);
    }

    public Task<bool> TryAddAsync(Account account, CancellationToken cancellationToken)
    {
        try
        {
            _database.InTransaction(() =>
            {
                _accounts.Insert(account);
                // After the insert, which took the accounts' write lock (WaitForWritesAsync).
                if (account.CustomerId is { } customerId && _ledger.IsCustomerErased(customerId))
                {
                    throw new CustomerErasedException(customerId);
                }
            });
            return Task.FromResult(true);
        }
        catch (LiteException exception) when (exception.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            return Task.FromResult(false);
        }
    }

    /// <summary>Every account write takes the accounts' write lock (<see cref="LiteDbTransactions.WaitForWriters"/>).</summary>
    public Task WaitForWritesAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _database.WaitForWriters(_accounts);
        return Task.CompletedTask;
    }

    public Task<Account?> GetAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult<Account?>(_accounts.FindOneById(id));

    public Task<Account?> FindByLoginAsync(string login, CancellationToken cancellationToken) =>
        Task.FromResult<Account?>(_accounts.FindOne(BsonExpression.Create("Login = @0", new BsonValue(login))));

    public Task<bool> AnyWithRoleAsync(AccountRole role, CancellationToken cancellationToken) =>
        Task.FromResult(_accounts.Exists(a => a.Role == role));

    public Task<IReadOnlyList<Account>> ListByCustomerAsync(string customerId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Account>>([.. _accounts.Find(BsonExpression.Create("CustomerId = @0", new BsonValue(customerId)))]);

    public Task<bool> SetPasswordHashAsync(string id, string passwordHash, CancellationToken cancellationToken) =>
        Task.FromResult(_accounts.UpdateMany(
            BsonExpression.Create("{ PasswordHash: @0 }", new BsonValue(passwordHash)),
            BsonExpression.Create("_id = @0", new BsonValue(id))) == 1);

    public Task<bool> RehashPasswordAsync(string id, string verifiedHash, string rehash, CancellationToken cancellationToken) =>
        Task.FromResult(_accounts.UpdateMany(
            BsonExpression.Create("{ PasswordHash: @0 }", new BsonValue(rehash)),
            BsonExpression.Create("_id = @0 AND PasswordHash = @1", new BsonValue(id), new BsonValue(verifiedHash))) == 1);

    public Task<bool> SetDisabledAsync(string id, bool disabled, CancellationToken cancellationToken) =>
        Task.FromResult(_database.InTransaction(() =>
        {
            var updated = _accounts.UpdateMany(
                BsonExpression.Create("{ Disabled: @0 }", new BsonValue(disabled)),
                BsonExpression.Create("_id = @0", new BsonValue(id))) == 1;
            // After the update, which took the accounts' write lock (WaitForWritesAsync).
            return updated && !disabled && _accounts.FindOneById(id)?.CustomerId is { } customerId && _ledger.IsCustomerErased(customerId)
                ? throw new CustomerErasedException(customerId)
                : updated;
        }));

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(_accounts.Delete(id));
}
