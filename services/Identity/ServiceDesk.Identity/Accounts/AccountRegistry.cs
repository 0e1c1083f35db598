using Microsoft.AspNetCore.Identity;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Hosting.Validation;
using ServiceDesk.Messaging.Erasure;

namespace ServiceDesk.Identity.Accounts;

/// <summary>What a new account needs; the login is validated, not yet normalised.</summary>
public sealed record NewAccount(string Login, string Password, AccountRole Role, IReadOnlyList<string> ProjectKeys, string? CustomerId);

/// <summary>Creates accounts: normalised unique login, password kept only as its hash, role-specific fields only where they belong.</summary>
public sealed partial class AccountRegistry(
    IAccountStore accounts, IPasswordHasher<Account> hasher, ErasedCustomers erased, TimeProvider time, ILogger<AccountRegistry> logger)
{
    /// <summary>The precondition violation's type for a login that is an erased address, as Directory's for a customer's address.</summary>
    public const string AddressErasedType = "ADDRESS_ERASED";

    public async Task<Account> CreateAsync(NewAccount request, CancellationToken cancellationToken)
    {
        // A removed customer stays removed: an account would bring their sign-in back. Checked again by the store in
        // the insert's transaction, for a removal arriving in between.
        if (request.Role == AccountRole.Customer && await erased.IsCustomerErasedAsync(request.CustomerId!, cancellationToken))
        {
            throw Erased(request.CustomerId!);
        }

        // Nor does their address come back as a login (staff's, or another customer's) before an admin reinstates it,
        // under any tag of it either (jane+desk@ reaches jane@'s mailbox), as Directory refuses it for a customer.
        // A removal recorded between this check and the insert leaves the account as one created just before it: a
        // removal deletes its customer's accounts, not an account of the same address (see IdentityErasure).
        if (await ReachesAnErasedMailboxAsync(request.Login, cancellationToken))
        {
            throw new PreconditionFailedException(
                AddressErasedType,
                "erasures",
                "The login is an erased address; an admin must reinstate it (\"Reinstate addresses\" on the console's Erasures page) before an account may use it.");
        }

        var login = EmailAddress.Parse(request.Login).Value;
        var account = new Account
        {
            Id = Account.NewId(),
            Login = login,
            Role = request.Role,
            ProjectKeys = request.Role == AccountRole.Agent ? [.. request.ProjectKeys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)] : [],
            CustomerId = request.Role == AccountRole.Customer ? request.CustomerId : null,
            PasswordHash = string.Empty,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        account = account with { PasswordHash = hasher.HashPassword(account, request.Password) };
        bool added;
        try
        {
            added = await accounts.TryAddAsync(account, cancellationToken);
        }
        catch (CustomerErasedException)
        {
            throw Erased(request.CustomerId!);
        }

        if (!added)
        {
            var existing = await accounts.FindByLoginAsync(login, cancellationToken);
            throw new AlreadyExistsException("account", existing?.Id ?? "unknown", "login");
        }

        LogCreated(account.Id, account.Role);
        return account;
    }

    private async Task<bool> ReachesAnErasedMailboxAsync(string login, CancellationToken cancellationToken)
    {
        foreach (var mailbox in ReachedMailboxes.Of(login))
        {
            if (await erased.IsAddressErasedAsync(mailbox, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    private static PreconditionFailedException Erased(string customerId) =>
        new("ERASED", $"customer/{customerId}", "The customer was removed (erased); no account can be created for them.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {AccountId} created with role {Role}")]
    private partial void LogCreated(string accountId, AccountRole role);
}
