namespace ServiceDesk.Identity.Keys;

/// <summary>
/// An ES256 key pair and its schedule: published from creation, signs from <see cref="ActivatesAt"/> until
/// <see cref="RetiresAt"/>, published until <see cref="WithdrawAt"/>, when every token it signed has expired.
/// </summary>
public sealed record SigningKey
{
    /// <summary>The key id (<c>kid</c>), derived from <see cref="ActivatesAt"/> so replicas creating the same successor collide instead of both adding one.</summary>
    public required string Id { get; init; }

    /// <summary>The P-256 private key, PKCS#8.</summary>
    public required byte[] PrivateKey { get; init; }

    public required DateTime CreatedAt { get; init; }

    public required DateTime ActivatesAt { get; init; }

    public required DateTime RetiresAt { get; init; }

    public required DateTime WithdrawAt { get; init; }

    public static string IdFor(DateTime activatesAt) => $"es256-{activatesAt:yyyyMMdd'T'HHmmssfff'Z'}";
}
