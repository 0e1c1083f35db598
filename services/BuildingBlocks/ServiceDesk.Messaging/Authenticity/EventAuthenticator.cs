using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace ServiceDesk.Messaging.Authenticity;

/// <summary>
/// Authenticates stream entries with an HMAC-SHA256 under a key the services share (<c>Messaging:SigningKey</c>):
/// anyone who can write to Redis but does not hold the key cannot append an event a consumer will handle. The
/// MAC covers the family, event id, type and envelope bytes, so an entry cannot be replayed into another family.
/// Keys in <c>Messaging:RetiredSigningKeys</c> are still accepted, so entries appended before a rotation verify.
/// </summary>
public sealed class EventAuthenticator
{
    public const string SigningKeySetting = "Messaging:SigningKey";
    public const string RetiredSigningKeysSetting = "Messaging:RetiredSigningKeys";
    private const int MinimumKeyBytes = 32;

    private readonly byte[] _signingKey;
    private readonly byte[][] _acceptedKeys;

    public EventAuthenticator(byte[] signingKey, IEnumerable<byte[]> retiredKeys)
    {
        _signingKey = signingKey;
        _acceptedKeys = [signingKey, .. retiredKeys];
    }

    /// <summary>Reads the keys, failing the start with the setting's name when one is missing or malformed.</summary>
    public static EventAuthenticator FromConfiguration(IConfiguration configuration)
    {
        var retired = configuration.GetSection(RetiredSigningKeysSetting).GetChildren()
            .Select(key => ParseKey(key.Value, $"{RetiredSigningKeysSetting}:{key.Key}"));
        return new EventAuthenticator(ParseKey(configuration[SigningKeySetting], SigningKeySetting), retired);
    }

    public byte[] Sign(string family, string eventId, string eventType, byte[] envelope) =>
        HMACSHA256.HashData(_signingKey, Message(family, eventId, eventType, envelope));

    /// <summary>True when <paramref name="mac"/> is the entry's MAC under the signing key or a retired one.</summary>
    public bool Verify(string family, string? eventId, string? eventType, byte[]? envelope, byte[]? mac)
    {
        if (eventId is null || eventType is null || envelope is null || mac is not { Length: HMACSHA256.HashSizeInBytes })
        {
            return false;
        }

        var message = Message(family, eventId, eventType, envelope);
        return _acceptedKeys.Any(key => CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, message), mac));
    }

    /// <summary>Each part length-prefixed, so no two different entries share a message.</summary>
    private static byte[] Message(string family, string eventId, string eventType, byte[] envelope)
    {
        using var message = new MemoryStream();
        Span<byte> length = stackalloc byte[sizeof(int)];
        foreach (var part in new[] { Encoding.UTF8.GetBytes(family), Encoding.UTF8.GetBytes(eventId), Encoding.UTF8.GetBytes(eventType), envelope })
        {
            BinaryPrimitives.WriteInt32BigEndian(length, part.Length);
            message.Write(length);
            message.Write(part);
        }

        return message.ToArray();
    }

    private static byte[] ParseKey(string? value, string setting)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"{setting} is not set: every service that publishes or consumes integration events needs the same key, base64 of at least {MinimumKeyBytes} random bytes, to authenticate them.");
        }

        var key = new byte[value.Length];
        if (!Convert.TryFromBase64String(value.Trim(), key, out var length))
        {
            throw new InvalidOperationException($"{setting} is not valid base64: it must be base64 of at least {MinimumKeyBytes} random bytes.");
        }

        return length >= MinimumKeyBytes
            ? key[..length]
            : throw new InvalidOperationException($"{setting} holds {length} bytes: at least {MinimumKeyBytes} random bytes (base64) are required.");
    }
}
