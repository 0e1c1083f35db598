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

    public PasswordHashingOptions PasswordHashing { get; set; } = new();

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
        Require(Tokens.AbsoluteSessionLifetime > Tokens.AccessTokenLifetime, "Tokens:AbsoluteSessionLifetime must exceed Tokens:AccessTokenLifetime.");
        Require(Keys.PublishLead > TimeSpan.Zero, "Keys:PublishLead must be positive.");
        Require(Keys.RotationInterval > Keys.PublishLead, "Keys:RotationInterval must exceed Keys:PublishLead.");
        Require(Keys.CheckInterval > TimeSpan.Zero && Keys.CheckInterval < Keys.PublishLead, "Keys:CheckInterval must be positive and shorter than Keys:PublishLead.");
        Require(
            Throttling is { MaxFailuresPerAccountAndSource: > 0, MaxFailuresPerSource: > 0, MaxFailuresPerAccount: > 0, TrustedProxyHops: >= 0 }
            && Throttling.Window > TimeSpan.Zero && Throttling.InitialBackoff > TimeSpan.Zero && Throttling.MaxBackoff >= Throttling.InitialBackoff,
            "Throttling limits, window and back-off must be positive (MaxBackoff at least InitialBackoff), TrustedProxyHops not negative.");
        Require(
            PasswordHashing.MemoryKib is >= PasswordHashingOptions.MinMemoryKib and <= PasswordHashingOptions.MaxMemoryKib && PasswordHashing.Iterations is >= 1 and <= 100,
            $"PasswordHashing:MemoryKib must be {PasswordHashingOptions.MinMemoryKib} to {PasswordHashingOptions.MaxMemoryKib}, PasswordHashing:Iterations 1 to 100.");
        Require(IsKey(Throttling.KeySecret), "Throttling:KeySecret is required: base64 of at least 32 random bytes, the same for every replica.");
        foreach (var (service, hash) in ServiceCredentials)
        {
            Require(hash.Length == SHA256.HashSizeInBytes * 2 && hash.All(char.IsAsciiHexDigit), $"ServiceCredentials:{service} must be the SHA-256 of the service's secret as 64 hex digits.");
        }

        return this;
    }

    private static bool IsKey(string? base64)
    {
        var buffer = new byte[base64?.Length ?? 0];
        return Convert.TryFromBase64String(base64 ?? string.Empty, buffer, out var length) && length >= 32;
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

    /// <summary>
    /// Local runs only: with no <see cref="Login"/> and <see cref="Password"/> configured, the first admin gets a
    /// random password, and its login and password are kept in this file (readable by its owner only) for the
    /// person who started the run; a file already there supplies them.
    /// </summary>
    public string? GeneratedCredentialsFile { get; set; }
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

    /// <summary>
    /// How long a session lasts from sign-in however often it is refreshed; no refresh or access token of it
    /// outlives this. Then the user signs in again.
    /// </summary>
    public TimeSpan AbsoluteSessionLifetime { get; set; } = TimeSpan.FromDays(30);
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
    /// <summary>Attempts for one account from one source before back-off; a success forgets them.</summary>
    public int MaxFailuresPerAccountAndSource { get; set; } = 5;

    /// <summary>Attempts from one source (an IPv4 address or IPv6 /64), whatever the login, before back-off.</summary>
    public int MaxFailuresPerSource { get; set; } = 30;

    /// <summary>
    /// Attempts for one account from every source before back-off: far above the per-source limits, so a
    /// stranger cannot slow the owner down; it only reins in attempts spread over many sources.
    /// </summary>
    public int MaxFailuresPerAccount { get; set; } = 200;

    /// <summary>Past a limit, the first wait before one more attempt is admitted; each further attempt doubles it.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A counter is forgotten this long after its last attempt (plus its back-off).</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How many reverse proxies in front of Identity append to <c>x-forwarded-for</c>. 0: the connection's
    /// address is the source and the header is ignored. N: the N-th entry from the right is (the entries
    /// left of it were written by the client and are ignored).
    /// </summary>
    public int TrustedProxyHops { get; set; }

    /// <summary>
    /// Base64 of at least 32 random bytes: the HMAC key that turns logins, account ids and addresses into
    /// Redis keys. Required, and the same for every replica (they share the counters); changing it only
    /// forgets the current counts.
    /// </summary>
    public string? KeySecret { get; set; }
}

/// <summary>
/// Argon2id parameters for new hashes (parallelism 1). The defaults are OWASP's minimum (19 MiB, 2 passes);
/// raising them rehashes each password at its next sign-in. Only tests should go lower.
/// </summary>
public sealed class PasswordHashingOptions
{
    public const int MinMemoryKib = 64;
    public const int MaxMemoryKib = 4 * 1024 * 1024;

    public int MemoryKib { get; set; } = 19 * 1024;

    public int Iterations { get; set; } = 2;
}
