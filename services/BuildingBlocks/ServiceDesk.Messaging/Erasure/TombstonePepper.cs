using Microsoft.Extensions.Configuration;

namespace ServiceDesk.Messaging.Erasure;

/// <summary>
/// The secret key of <see cref="ErasedAddressHash"/> (<c>Erasure:TombstonePepper</c>, base64 of at least 32 random
/// bytes), the same in every service: without it a hash cannot be tested against guessed addresses.
/// </summary>
public sealed class TombstonePepper(byte[] key)
{
    public const string Setting = "Erasure:TombstonePepper";
    private const int MinimumBytes = 32;

    public ReadOnlySpan<byte> Key => key;

    /// <summary>Reads the pepper, failing with the setting's name when it is missing or malformed.</summary>
    public static TombstonePepper FromConfiguration(IConfiguration configuration)
    {
        var value = configuration[Setting];
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"{Setting} is not set: Directory, Ticketing, Notification and Identity need the same secret, base64 of at least {MinimumBytes} random bytes, to hash erased addresses.");
        }

        var key = new byte[value.Length];
        if (!Convert.TryFromBase64String(value.Trim(), key, out var length))
        {
            throw new InvalidOperationException($"{Setting} is not valid base64: it must be base64 of at least {MinimumBytes} random bytes.");
        }

        return length >= MinimumBytes
            ? new TombstonePepper(key[..length])
            : throw new InvalidOperationException($"{Setting} holds {length} bytes: at least {MinimumBytes} random bytes (base64) are required.");
    }

    public string HashAddress(string address) => ErasedAddressHash.Compute(Key, address);
}
