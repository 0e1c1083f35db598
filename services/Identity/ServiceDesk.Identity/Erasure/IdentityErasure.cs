using ServiceDesk.Identity.Accounts;
using ServiceDesk.Identity.Sessions;
using ServiceDesk.Messaging.Erasure;

namespace ServiceDesk.Identity.Erasure;

/// <summary>
/// Identity's part of a customer removal: the customer's accounts (their logins are often the old address), with
/// their password hashes, sessions and refresh tokens, are deleted. Refresh and sign-in stop at once, and Identity
/// refuses the sessions' access tokens at once; other services accept one until it expires
/// (<c>Identity:Tokens:AccessTokenLifetime</c> + <c>Auth:ClockSkew</c>).
/// </summary>
public sealed partial class IdentityErasure(IAccountStore accounts, ISessionStore sessions, ILogger<IdentityErasure> logger) : ICustomerErasure
{
    public const string AccountsDeleted = "accounts_deleted";
    public const string SessionsEnded = "sessions_ended";
    public const string RefreshTokensDeleted = "refresh_tokens_deleted";

    public async Task<ErasurePlan> PlanAsync(ErasureScope scope, CancellationToken cancellationToken)
    {
        // The ledger holds the removal by now: an account of theirs still being written ends before they are read, and
        // any later one is refused.
        await accounts.WaitForWritesAsync(cancellationToken);
        var found = await accounts.ListByCustomerAsync(scope.CustomerId, cancellationToken);
        long sessionCount = 0, tokenCount = 0;
        foreach (var account in found)
        {
            var counts = await sessions.CountForAccountAsync(account.Id, cancellationToken);
            sessionCount += counts.Sessions;
            tokenCount += counts.RefreshTokens;
        }

        return new ErasurePlan(Counts(found.Count, sessionCount, tokenCount), token => EraseAsync(scope, found, token));
    }

    /// <summary>
    /// Per account: disabled first (a sign-in running meanwhile then ends its own new session), its sessions and tokens
    /// deleted, then the account. A run stopped half-way leaves the account, so the next run finds what is left.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, long>> EraseAsync(ErasureScope scope, IReadOnlyList<Account> found, CancellationToken cancellationToken)
    {
        long deleted = 0, sessionCount = 0, tokenCount = 0;
        foreach (var account in found)
        {
            await accounts.SetDisabledAsync(account.Id, true, cancellationToken);
            var counts = await sessions.DeleteForAccountAsync(account.Id, cancellationToken);
            sessionCount += counts.Sessions;
            tokenCount += counts.RefreshTokens;
            if (await accounts.DeleteAsync(account.Id, cancellationToken))
            {
                deleted++;
                LogAccountErased(account.Id, scope.RequestId);
            }
        }

        return Counts(deleted, sessionCount, tokenCount);
    }

    private static Dictionary<string, long> Counts(long accountCount, long sessionCount, long tokenCount) => new()
    {
        [AccountsDeleted] = accountCount,
        [SessionsEnded] = sessionCount,
        [RefreshTokensDeleted] = tokenCount,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {AccountId} deleted for erasure request {RequestId}")]
    private partial void LogAccountErased(string accountId, string requestId);
}
