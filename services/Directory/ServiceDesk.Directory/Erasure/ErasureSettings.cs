using Microsoft.Extensions.Configuration;

namespace ServiceDesk.Directory.Erasure;

/// <summary>
/// The "Erasure" section: <c>Erasure:TombstonePepper</c> (required; base64 of at least 32 random bytes, the HMAC
/// key of erased-address hashes, shared with Ticketing and Notification) and <c>Erasure:ParticipantTimeout</c>
/// (default 15 minutes: a service still pending after it shows as overdue).
/// </summary>
public sealed record ErasureSettings(byte[] TombstonePepper, TimeSpan ParticipantTimeout)
{
    public const string Section = "Erasure";

    public static readonly TimeSpan DefaultParticipantTimeout = TimeSpan.FromMinutes(15);

    public static ErasureSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var pepper = section["TombstonePepper"] is { Length: > 0 } text && TryDecode(text.Trim()) is { Length: >= 32 } bytes
            ? bytes
            : throw new InvalidOperationException($"{Section}:TombstonePepper must be base64 of at least 32 random bytes (the key of erased-address hashes).");
        return new ErasureSettings(pepper, section.GetValue("ParticipantTimeout", DefaultParticipantTimeout));
    }

    private static byte[]? TryDecode(string base64)
    {
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var length) ? buffer[..length] : null;
    }
}
