using ServiceDesk.Messaging.Erasure;

namespace ServiceDesk.Identity.Accounts;

/// <summary>Accounts, unique by normalised login.</summary>
public interface IAccountStore
{
    /// <summary>
    /// False when the login (or id) is taken; nothing is written then. A customer's account is checked against the
    /// erasure ledger in the insert's own transaction, so a removal recorded while it is written either refuses it or
    /// finds it (<see cref="WaitForWritesAsync"/>).
    /// </summary>
    /// <exception cref="CustomerErasedException">The account's customer was removed; nothing is written.</exception>
    Task<bool> TryAddAsync(Account account, CancellationToken cancellationToken);

    /// <summary>
    /// Returns once every account write begun before it has ended. An erasure calls it after its ledger recorded the
    /// customer: an account written later is refused, so what the erasure reads next is every account of theirs.
    /// </summary>
    Task WaitForWritesAsync(CancellationToken cancellationToken);

    Task<Account?> GetAsync(string id, CancellationToken cancellationToken);

    Task<Account?> FindByLoginAsync(string login, CancellationToken cancellationToken);

    Task<bool> AnyWithRoleAsync(AccountRole role, CancellationToken cancellationToken);

    /// <summary>The accounts of a Directory customer (a customer removal deletes them).</summary>
    Task<IReadOnlyList<Account>> ListByCustomerAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>Sets the password hash (a new password); false when there is no such account.</summary>
    Task<bool> SetPasswordHashAsync(string id, string passwordHash, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces <paramref name="verifiedHash"/>, the hash a sign-in verified, by its rehash with current parameters;
    /// false when the account holds another hash by now (a new password set meanwhile is never undone) or is gone.
    /// </summary>
    Task<bool> RehashPasswordAsync(string id, string verifiedHash, string rehash, CancellationToken cancellationToken);

    /// <summary>
    /// False when there is no such account. Enabling a customer's account is checked against the erasure ledger in the
    /// update's own transaction: once their removal is recorded, their accounts stay disabled until it deletes them.
    /// </summary>
    /// <exception cref="CustomerErasedException">Enabling the account of a removed customer; nothing is written.</exception>
    Task<bool> SetDisabledAsync(string id, bool disabled, CancellationToken cancellationToken);

    /// <summary>False when there is no such account.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);
}
