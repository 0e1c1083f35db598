using Microsoft.AspNetCore.Identity;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Identity.Sessions;
using ServiceDesk.Identity.Throttling;
using ServiceDesk.Messaging.Erasure;

namespace ServiceDesk.Identity.Accounts;

/// <summary>Disabling, enabling, deleting and new passwords: whatever takes access away ends the account's sessions at once.</summary>
public sealed partial class AccountLifecycle(
    IAccountStore accounts, SessionService sessions, IPasswordHasher<Account> hasher, SignInThrottle throttle, ILogger<AccountLifecycle> logger)
{
    public async Task<Account> SetDisabledAsync(string accountId, bool disabled, CancellationToken cancellationToken)
    {
        bool found;
        try
        {
            found = await accounts.SetDisabledAsync(accountId, disabled, cancellationToken);
        }
        catch (CustomerErasedException erased)
        {
            throw new PreconditionFailedException(
                "ERASED", $"customer/{erased.CustomerId}", "The account's customer is being removed (erased); the account stays disabled until it is deleted.");
        }

        if (!found)
        {
            throw NotFound(accountId);
        }

        if (disabled)
        {
            await sessions.RevokeAllAsync(accountId, cancellationToken);
        }

        LogDisabledChanged(accountId, disabled);
        return await accounts.GetAsync(accountId, cancellationToken) ?? throw NotFound(accountId);
    }

    /// <summary>Returns how many sessions were open.</summary>
    public async Task<int> DeleteAsync(string accountId, CancellationToken cancellationToken)
    {
        if (!await accounts.DeleteAsync(accountId, cancellationToken))
        {
            throw NotFound(accountId);
        }

        LogDeleted(accountId);
        return await sessions.RevokeAllAsync(accountId, cancellationToken);
    }

    /// <summary>The owner's change, proven by the current password (throttled like a sign-in); ends every session of the account.</summary>
    public async Task ChangePasswordAsync(string accountId, string currentPassword, string newPassword, string source, CancellationToken cancellationToken)
    {
        var account = await accounts.GetAsync(accountId, cancellationToken) ?? throw new UnauthenticatedException("The account of this access token no longer exists.");
        var attempt = SignInAttempt.ForAccount(account.Id, source);
        await throttle.ReserveAsync(attempt, cancellationToken);
        if (hasher.VerifyHashedPassword(account, account.PasswordHash, currentPassword) == PasswordVerificationResult.Failed)
        {
            throw new UnauthenticatedException("The current password is wrong.");
        }

        await throttle.RefundAsync(attempt, cancellationToken);
        await SetPasswordAsync(account, newPassword, cancellationToken);
    }

    /// <summary>An admin's reset; returns how many sessions were open.</summary>
    public async Task<int> ResetPasswordAsync(string accountId, string newPassword, CancellationToken cancellationToken)
    {
        var account = await accounts.GetAsync(accountId, cancellationToken) ?? throw NotFound(accountId);
        return await SetPasswordAsync(account, newPassword, cancellationToken);
    }

    private async Task<int> SetPasswordAsync(Account account, string newPassword, CancellationToken cancellationToken)
    {
        if (!await accounts.SetPasswordHashAsync(account.Id, hasher.HashPassword(account, newPassword), cancellationToken))
        {
            throw NotFound(account.Id);
        }

        LogPasswordSet(account.Id);
        return await sessions.RevokeAllAsync(account.Id, cancellationToken);
    }

    private static NotFoundException NotFound(string accountId) => new("account", accountId, "account_id");

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {AccountId} disabled: {Disabled}")]
    private partial void LogDisabledChanged(string accountId, bool disabled);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {AccountId} deleted")]
    private partial void LogDeleted(string accountId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Password of account {AccountId} set; its sessions end")]
    private partial void LogPasswordSet(string accountId);
}
