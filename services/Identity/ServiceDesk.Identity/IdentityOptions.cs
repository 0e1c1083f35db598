using System.Security.Cryptography;

namespace ServiceDesk.Identity;

/// <summary>Configuration section <c>Identity</c>. Nothing here has a default secret: what is absent is not created.</summary>
public sealed class IdentityOptions
{
    public const string Section = "Identity";

    /// <summary>The first admin, created on first start when no admin exists; absent means none is created.</summary>
    public BootstrapAdminOptions BootstrapAdmin { get; set; } = new();

    public TokenOptions Tokens { get; set; } = new();

    public KeyOptions Keys { get; set; } = new();

    public ThrottlingOptions Throttling { get; set; } = new();

    /// <summary>
    /// Per service name ("directory", ...), the SHA-256 of its secret as 64 hex digits
    /// (<c>printf %s "$SECRET" | sha256sum</c>); that service sets the secret itself as <c>Auth:ServiceSecret</c>.
    /// </summary>
    public Dictionary<string, string> ServiceCredentials { get; set; } = [];

    /// <summary>Refuses to start on settings that would break the guarantees, naming the setting.</summary>
    public IdentityOptions Validate()
    {
        Require(Tokens.AccessTokenLifetime > TimeSpan.Zero, "Tokens:AccessTokenLifetime must be positive.");
        Require(Tokens.RefreshTokenLifetime > Tokens.AccessTokenLifetime, "Tokens:RefreshTokenLifetime must exceed Tokens:AccessTokenLifetime.");
        Require(Keys.PublishLead > TimeSpan.Zero, "Keys:PublishLead must be positive.");
        Require(Keys.RotationInterval > Keys.PublishLead, "Keys:RotationInterval must exceed Keys:PublishLead.");
        Require(Keys.CheckInterval > TimeSpan.Zero && Keys.CheckInterval < Keys.PublishLead, "Keys:CheckInterval must be positive and shorter than Keys:PublishLead.");
        Require(Throttling.MaxFailuresPerAccount > 0 && Throttling.MaxFailuresPerAddress > 0 && Throttling.Window > TimeSpan.Zero, "Throttling limits and window must be positive.");
        foreach (var (service, hash) in ServiceCredentials)
        {
            Require(hash.Length == SHA256.HashSizeInBytes * 2 && hash.All(char.IsAsciiHexDigit), $"ServiceCredentials:{service} must be the SHA-256 of the service's secret as 64 hex digits.");
        }

        return this;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"{Section}:{message}");
        }
    }
}

public sealed class BootstrapAdminOptions
{
    public string? Login { get; set; }

    public string? Password { get; set; }
}

public sealed class TokenOptions
{
    /// <summary>
    /// Lifetime of an access token. It is also the bound on revocation: other services accept an access token
    /// of an ended session until it expires, so at most this long (plus <c>Auth:ClockSkew</c>) after sign-out
    /// or RevokeSessions. Identity itself refuses it at once.
    /// </summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Lifetime of each refresh token; every refresh issues a new one and spends the old.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);
}

public sealed class KeyOptions
{
    /// <summary>How long one key signs before its successor takes over.</summary>
    public TimeSpan RotationInterval { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long a successor key is published before it signs anything; must exceed every service's
    /// <c>Auth:KeyRefreshInterval</c> (default 5 minutes), so they all know it before the first token it signs.
    /// </summary>
    public TimeSpan PublishLead { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often keys are rotated when due, old ones withdrawn, and other replicas' keys loaded.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);
}

public sealed class ThrottlingOptions
{
    /// <summary>Failed sign-ins for one account within <see cref="Window"/> before its sign-ins are refused.</summary>
    public int MaxFailuresPerAccount { get; set; } = 5;

    /// <summary>Failed sign-ins from one source address within <see cref="Window"/>, whatever the login.</summary>
    public int MaxFailuresPerAddress { get; set; } = 30;

    /// <summary>Counting starts at the first failure and ends this long after it.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
}
