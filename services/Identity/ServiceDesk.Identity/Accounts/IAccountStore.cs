namespace ServiceDesk.Identity.Accounts;

/// <summary>Accounts, unique by normalised login.</summary>
public interface IAccountStore
{
    /// <summary>False when the login (or id) is taken; nothing is written then.</summary>
    Task<bool> TryAddAsync(Account account, CancellationToken cancellationToken);

    Task<Account?> GetAsync(string id, CancellationToken cancellationToken);

    Task<Account?> FindByLoginAsync(string login, CancellationToken cancellationToken);

    Task<bool> AnyWithRoleAsync(AccountRole role, CancellationToken cancellationToken);

    /// <summary>The accounts of a Directory customer (a customer removal deletes them).</summary>
    Task<IReadOnlyList<Account>> ListByCustomerAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>Replaces the password hash (a rehash with current parameters); false when there is no such account.</summary>
    Task<bool> SetPasswordHashAsync(string id, string passwordHash, CancellationToken cancellationToken);

    /// <summary>False when there is no such account.</summary>
    Task<bool> SetDisabledAsync(string id, bool disabled, CancellationToken cancellationToken);

    /// <summary>False when there is no such account.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);
}
