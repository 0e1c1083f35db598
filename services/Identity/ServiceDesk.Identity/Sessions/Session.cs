namespace ServiceDesk.Identity.Sessions;

/// <summary>One sign-in and the refresh tokens it rotates through; revoked at sign-out, on revoke-all, or on refresh token reuse.</summary>
public sealed record Session
{
    public required string Id { get; init; }

    public required string AccountId { get; init; }

    public required DateTime CreatedAt { get; init; }

    public DateTime? RevokedAt { get; init; }
}

/// <summary>A refresh token, known only by the SHA-256 of its value (<see cref="Id"/>); single use.</summary>
public sealed record RefreshToken
{
    /// <summary>The token's SHA-256, hex. The token itself is never stored.</summary>
    public required string Id { get; init; }

    public required string SessionId { get; init; }

    public required DateTime ExpiresAt { get; init; }

    /// <summary>When it was exchanged; presenting it again after that revokes the session.</summary>
    public DateTime? SpentAt { get; init; }
}
