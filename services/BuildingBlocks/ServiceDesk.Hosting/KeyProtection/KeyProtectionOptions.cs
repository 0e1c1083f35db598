namespace ServiceDesk.Hosting.KeyProtection;

/// <summary>The key-encryption keys (KEKs) that wrap stored secret keys: each base64 of 32 random bytes.</summary>
public sealed class KeyProtectionOptions
{
    public const string Section = "KeyProtection";

    /// <summary>The current KEK: every key is wrapped under it, and keys found under a retired one are re-wrapped.</summary>
    public string? Key { get; set; }

    /// <summary>Earlier KEKs, still accepted for unwrapping until every key was re-wrapped under <see cref="Key"/>.</summary>
    public string[] RetiredKeys { get; set; } = [];
}
