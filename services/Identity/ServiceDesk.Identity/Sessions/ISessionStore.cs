namespace ServiceDesk.Identity.Sessions;

/// <summary>Sessions and their refresh tokens. Spending and revoking are atomic: of two concurrent attempts, one wins.</summary>
public interface ISessionStore
{
    Task CreateAsync(Session session, RefreshToken firstToken, CancellationToken cancellationToken);

    Task<Session?> GetAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// Adds the token while its session is neither revoked nor deleted; false, and the token not kept, once it is. A
    /// revocation or deletion committed before this returns is seen by it, so a refresh racing one mints nothing.
    /// </summary>
    Task<bool> TryAddTokenAsync(RefreshToken token, CancellationToken cancellationToken);

    Task<RefreshToken?> FindTokenAsync(string tokenHash, CancellationToken cancellationToken);

    /// <summary>Marks the token spent; false when it was spent already (or does not exist).</summary>
    Task<bool> TrySpendTokenAsync(string tokenHash, DateTime at, CancellationToken cancellationToken);

    /// <summary>Revokes the session; false when it was revoked already (or does not exist).</summary>
    Task<bool> RevokeAsync(string sessionId, DateTime at, CancellationToken cancellationToken);

    /// <summary>Revokes every active session of the account; returns how many were active.</summary>
    Task<int> RevokeAllAsync(string accountId, DateTime at, CancellationToken cancellationToken);

    /// <summary>How many sessions (ended or not) and refresh tokens the account has.</summary>
    Task<SessionCounts> CountForAccountAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Deletes every session of the account and their refresh tokens; returns how many of each.</summary>
    Task<SessionCounts> DeleteForAccountAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Deletes refresh tokens that expired before <paramref name="now"/>; returns how many.</summary>
    Task<int> DeleteExpiredTokensAsync(DateTime now, CancellationToken cancellationToken);
}

public sealed record SessionCounts(int Sessions, int RefreshTokens);
