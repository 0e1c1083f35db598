using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Hosting.Validation;
using ServiceDesk.Identity.Accounts;
using ServiceDesk.Identity.Throttling;

namespace ServiceDesk.Identity.Sessions;

public sealed record SignedIn(Account Account, string SessionId, IssuedToken AccessToken, string RefreshToken, DateTime RefreshTokenExpiresAt);

/// <summary>Sign-in, refresh token rotation with reuse detection, sign-out and revocation.</summary>
public sealed partial class SessionService(
    IAccountStore accounts,
    ISessionStore sessions,
    AccessTokenIssuer tokens,
    IPasswordHasher<Account> hasher,
    SignInThrottle throttle,
    IdentityOptions options,
    TimeProvider time,
    ILogger<SessionService> logger) : ISessionCheck
{
    private const string WrongCredentials = "Wrong login or password.";
    private const string InvalidRefreshToken = "The refresh token is not valid or has expired; sign in again.";

    private static readonly Account NoAccount = new() { Id = string.Empty, Login = string.Empty, Role = AccountRole.Customer, PasswordHash = string.Empty, CreatedAt = default };

    /// <summary>Verified when the login is unknown, so both failures cost the same time.</summary>
    private readonly Lazy<string> _decoyHash = new(() => hasher.HashPassword(NoAccount, RandomNumberGenerator.GetHexString(32)));

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<SignedIn> SignInAsync(string login, string password, string source, CancellationToken cancellationToken)
    {
        var normalised = EmailAddress.TryParse(login, out var address) ? address.Value : login.Trim().ToLowerInvariant();
        var account = await accounts.FindByLoginAsync(normalised, cancellationToken);
        var attempt = account is null ? SignInAttempt.ForUnknownLogin(normalised, source) : SignInAttempt.ForAccount(account.Id, source);
        await throttle.ReserveAsync(attempt, cancellationToken);

        var verdict = hasher.VerifyHashedPassword(account ?? NoAccount, account?.PasswordHash ?? _decoyHash.Value, password);
        // A disabled account answers like a wrong password: the refusal must not confirm a guessed one.
        if (account is null || verdict == PasswordVerificationResult.Failed || account.Disabled)
        {
            LogSignInFailed(account?.Id);
            throw new UnauthenticatedException(WrongCredentials);
        }

        await throttle.RefundAsync(attempt, cancellationToken);
        var verifiedHash = account.PasswordHash;
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            var rehash = hasher.HashPassword(account, password);
            if (await accounts.RehashPasswordAsync(account.Id, verifiedHash, rehash, cancellationToken))
            {
                verifiedHash = rehash;
            }
        }

        var session = new Session { Id = RandomNumberGenerator.GetHexString(32, lowercase: true), AccountId = account.Id, CreatedAt = Now };
        var (refreshToken, stored) = NewRefreshToken(session);
        await sessions.CreateAsync(session, stored, cancellationToken);
        // Disabled, deleted or given a new password while this sign-in ran: their revocation of every session could not
        // see the new one. A hash changed meanwhile is verified again: another sign-in's rehash holds the same password.
        var current = await accounts.GetAsync(account.Id, cancellationToken);
        if (current is not { Disabled: false }
            || (current.PasswordHash != verifiedHash && hasher.VerifyHashedPassword(current, current.PasswordHash, password) == PasswordVerificationResult.Failed))
        {
            if (current is null)
            {
                // A deleted account's sessions went with it (a customer's removal deletes them): so does this one.
                await sessions.DeleteForAccountAsync(account.Id, cancellationToken);
            }
            else
            {
                await sessions.RevokeAsync(session.Id, Now, cancellationToken);
            }

            throw new UnauthenticatedException(WrongCredentials);
        }

        LogSessionStarted(session.Id, account.Id);
        return new SignedIn(account, session.Id, await tokens.IssueAsync(account, session.Id, EndOf(session), cancellationToken), refreshToken, stored.ExpiresAt);
    }

    /// <summary>Spends the refresh token for a new pair in the same session. A spent token presented again ends the session.</summary>
    public async Task<SignedIn> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var now = Now;
        var token = await sessions.FindTokenAsync(Hash(refreshToken), cancellationToken) ?? throw new UnauthenticatedException(InvalidRefreshToken);
        var session = await sessions.GetAsync(token.SessionId, cancellationToken);
        if (session is not { RevokedAt: null } || token.ExpiresAt <= now || EndOf(session) <= now)
        {
            throw new UnauthenticatedException(InvalidRefreshToken);
        }

        if (token.SpentAt is not null || !await sessions.TrySpendTokenAsync(token.Id, now, cancellationToken))
        {
            if (await sessions.RevokeAsync(session.Id, now, cancellationToken))
            {
                LogReuseRevokedSession(session.Id, session.AccountId);
            }

            throw new UnauthenticatedException("The refresh token was used before, so the session has been ended; sign in again.");
        }

        if (await accounts.GetAsync(session.AccountId, cancellationToken) is not { Disabled: false } account)
        {
            throw new UnauthenticatedException(InvalidRefreshToken);
        }

        var (next, stored) = NewRefreshToken(session);
        // Revoked, or deleted with its account, since it was read above: no access token is minted after the revocation.
        if (!await sessions.TryAddTokenAsync(stored, cancellationToken))
        {
            throw new UnauthenticatedException(InvalidRefreshToken);
        }

        return new SignedIn(account, session.Id, await tokens.IssueAsync(account, session.Id, EndOf(session), cancellationToken), next, stored.ExpiresAt);
    }

    /// <summary>Ends the token's session; an unknown token is not an error (sign-out is idempotent).</summary>
    public async Task SignOutAsync(string refreshToken, CancellationToken cancellationToken)
    {
        if (await sessions.FindTokenAsync(Hash(refreshToken), cancellationToken) is { } token
            && await sessions.RevokeAsync(token.SessionId, Now, cancellationToken))
        {
            LogSessionEnded(token.SessionId);
        }
    }

    public async Task<int> RevokeAllAsync(string accountId, CancellationToken cancellationToken)
    {
        var revoked = await sessions.RevokeAllAsync(accountId, Now, cancellationToken);
        LogSessionsRevoked(revoked, accountId);
        return revoked;
    }

    /// <summary>Neither revoked nor past its absolute lifetime.</summary>
    public async Task<bool> IsActiveAsync(string sessionId, CancellationToken cancellationToken) =>
        await sessions.GetAsync(sessionId, cancellationToken) is { RevokedAt: null } session && Now < EndOf(session);

    private DateTime EndOf(Session session) => session.CreatedAt + options.Tokens.AbsoluteSessionLifetime;

    private (string Token, RefreshToken Stored) NewRefreshToken(Session session)
    {
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var expiresAt = Now + options.Tokens.RefreshTokenLifetime;
        return (token, new RefreshToken { Id = Hash(token), SessionId = session.Id, ExpiresAt = expiresAt < EndOf(session) ? expiresAt : EndOf(session) });
    }

    private static string Hash(string refreshToken) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(refreshToken)));

    [LoggerMessage(Level = LogLevel.Information, Message = "Sign-in failed (account {AccountId})")]
    private partial void LogSignInFailed(string? accountId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} started for account {AccountId}")]
    private partial void LogSessionStarted(string sessionId, string accountId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A spent refresh token was presented again: session {SessionId} of account {AccountId} revoked")]
    private partial void LogReuseRevokedSession(string sessionId, string accountId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} ended by sign-out")]
    private partial void LogSessionEnded(string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} session(s) of account {AccountId} revoked")]
    private partial void LogSessionsRevoked(int count, string accountId);
}
