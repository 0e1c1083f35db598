using MongoDB.Bson.Serialization.Attributes;
using ServiceDesk.Hosting.KeyProtection;

namespace ServiceDesk.Identity.Keys;

/// <summary>
/// A <see cref="SigningKey"/> as the stores hold it: the private key wrapped under the key-encryption key
/// <see cref="KekId"/> names (in clear, with no KEK id, when written before keys were wrapped).
/// </summary>
// A field a newer release added must not break this one during a rolling deploy.
[BsonIgnoreExtraElements]
internal sealed class SigningKeyDocument
{
    public string Id { get; set; } = string.Empty;

    public byte[] PrivateKey { get; set; } = [];

    public string? KekId { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime ActivatesAt { get; set; }

    public DateTime RetiresAt { get; set; }

    public DateTime WithdrawAt { get; set; }

    public static SigningKeyDocument Wrap(SigningKey key, KeyWrapper wrapper) => new()
    {
        Id = key.Id,
        PrivateKey = wrapper.Wrap(key.PrivateKey, Purpose(key.Id)),
        KekId = wrapper.CurrentKeyId,
        CreatedAt = key.CreatedAt,
        ActivatesAt = key.ActivatesAt,
        RetiresAt = key.RetiresAt,
        WithdrawAt = key.WithdrawAt,
    };

    public SigningKey Open(KeyWrapper wrapper) => new()
    {
        Id = Id,
        PrivateKey = wrapper.Open(PrivateKey, KekId, Purpose(Id)),
        CreatedAt = CreatedAt,
        ActivatesAt = ActivatesAt,
        RetiresAt = RetiresAt,
        WithdrawAt = WithdrawAt,
    };

    /// <summary>The key's own record, so a wrapped key copied onto another record does not unwrap.</summary>
    private static string Purpose(string keyId) => $"servicedesk.identity signing key {keyId}";
}
