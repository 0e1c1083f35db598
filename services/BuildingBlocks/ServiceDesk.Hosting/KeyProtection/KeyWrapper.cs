using System.Security.Cryptography;
using System.Text;

namespace ServiceDesk.Hosting.KeyProtection;

/// <summary>
/// Wraps secret keys for storage (AES-256-GCM under the key-encryption key of <see cref="KeyProtectionOptions"/>),
/// so a store file, a backup or a MongoDB oplog holds only wrapped bytes. A wrapped key is
/// <c>version (1) | KEK id (8) | nonce (12) | ciphertext | tag (16)</c>; the KEK id (the first bytes of the
/// KEK's SHA-256) names the KEK that can unwrap it. The purpose (e.g. the record's id) is authenticated data, so
/// a wrapped key copied onto another record does not unwrap.
/// </summary>
public sealed class KeyWrapper
{
    private const byte FormatVersion = 1;
    private const int KekIdLength = 8;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int HeaderLength = 1 + KekIdLength + NonceLength;

    private readonly Kek _current;
    private readonly IReadOnlyList<Kek> _all;

    public KeyWrapper(KeyProtectionOptions options)
        : this(
            Kek.Parse(options.Key, $"{KeyProtectionOptions.Section}:Key")
                ?? throw new InvalidOperationException(
                    $"{KeyProtectionOptions.Section}:Key is required: base64 of 32 random bytes (e.g. `head -c 32 /dev/urandom | base64`), from a secret. It wraps the keys this service stores."),
            [.. options.RetiredKeys.Select((key, i) => Kek.Parse(key, $"{KeyProtectionOptions.Section}:RetiredKeys:{i}")).OfType<Kek>()])
    {
    }

    private KeyWrapper(Kek current, IReadOnlyList<Kek> retired)
    {
        _current = current;
        _all = [current, .. retired];
    }

    /// <summary>The id of the current KEK (hex), which stores record beside each wrapped key.</summary>
    public string CurrentKeyId => Convert.ToHexStringLower(_current.Id);

    public byte[] Wrap(ReadOnlySpan<byte> key, string purpose)
    {
        var wrapped = new byte[HeaderLength + key.Length + TagLength];
        wrapped[0] = FormatVersion;
        _current.Id.CopyTo(wrapped.AsSpan(1));
        var nonce = wrapped.AsSpan(1 + KekIdLength, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_current.Key, TagLength);
        aes.Encrypt(nonce, key, wrapped.AsSpan(HeaderLength, key.Length), wrapped.AsSpan(HeaderLength + key.Length), Encoding.UTF8.GetBytes(purpose));
        return wrapped;
    }

    /// <exception cref="CryptographicException">Not wrapped under a configured KEK, or not for this purpose.</exception>
    public byte[] Unwrap(ReadOnlySpan<byte> wrapped, string purpose)
    {
        if (wrapped.Length < HeaderLength + TagLength || wrapped[0] != FormatVersion)
        {
            throw new CryptographicException("The stored key is not a wrapped key.");
        }

        var kek = Find(wrapped.Slice(1, KekIdLength))
            ?? throw new CryptographicException(
                $"The stored key is wrapped under a key-encryption key that is neither {KeyProtectionOptions.Section}:Key nor one of {KeyProtectionOptions.Section}:RetiredKeys.");
        var key = new byte[wrapped.Length - HeaderLength - TagLength];
        using var aes = new AesGcm(kek.Key, TagLength);
        aes.Decrypt(wrapped.Slice(1 + KekIdLength, NonceLength), wrapped.Slice(HeaderLength, key.Length), wrapped[^TagLength..], key, Encoding.UTF8.GetBytes(purpose));
        return key;
    }

    /// <summary>
    /// A key as a store holds it, with the KEK id recorded beside it: wrapped under that KEK, or in clear when the
    /// id is null (written before keys were wrapped; <see cref="IsCurrent"/> is false, so the store wraps it).
    /// </summary>
    public byte[] Open(byte[] stored, string? kekId, string purpose) => kekId is null ? stored : Unwrap(stored, purpose);

    /// <summary>False for a key stored under a retired KEK, or in clear: re-wrap it, so that KEK can be dropped.</summary>
    public bool IsCurrent(string? kekId) => kekId == CurrentKeyId;

    /// <summary>
    /// A wrapper for another use (e.g. opaque page tokens) under keys derived from these KEKs with HKDF, so that use
    /// never shares a key with the stored keys. What it wrapped still unwraps after a rotation while the old KEK is retired.
    /// </summary>
    public KeyWrapper Derive(string use) => new(_current.Derive(use), [.. _all.Skip(1).Select(kek => kek.Derive(use))]);

    /// <summary>
    /// Keys of keyed hashes (e.g. HMAC-SHA256) for one use, derived from the KEKs with HKDF: the current KEK's first,
    /// then the retired ones', so a look-up by hash still finds what was hashed before a rotation while the old KEK
    /// is retired.
    /// </summary>
    public IReadOnlyList<byte[]> DeriveHashKeys(string use) => [.. _all.Select(kek => kek.Derive(use).Key)];

    private Kek? Find(ReadOnlySpan<byte> id)
    {
        foreach (var kek in _all)
        {
            if (id.SequenceEqual(kek.Id))
            {
                return kek;
            }
        }

        return null;
    }

    private sealed record Kek(byte[] Id, byte[] Key)
    {
        public static Kek? Parse(string? base64, string setting)
        {
            if (string.IsNullOrWhiteSpace(base64))
            {
                return null;
            }

            var key = new byte[32];
            return Convert.TryFromBase64String(base64.Trim(), key, out var length) && length == 32
                ? Of(key)
                : throw new InvalidOperationException($"{setting} must be base64 of exactly 32 bytes.");
        }

        public Kek Derive(string use) => Of(HKDF.DeriveKey(HashAlgorithmName.SHA256, Key, 32, info: Encoding.UTF8.GetBytes(use)));

        private static Kek Of(byte[] key) => new(SHA256.HashData(key)[..KekIdLength], key);
    }
}
