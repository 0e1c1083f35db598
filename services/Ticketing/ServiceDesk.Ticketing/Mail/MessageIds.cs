using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using ServiceDesk.Hosting.KeyProtection;

namespace ServiceDesk.Ticketing.Mail;

/// <summary>
/// Message-IDs as Ticketing keeps them: HMAC-SHA256 under a key derived from the key-encryption key, never in
/// clear, because a Message-ID often carries the sender's address or host. A look-up tries the hash under the
/// current KEK and under each retired one, so messages taken in before a KEK rotation are still recognised.
/// </summary>
public sealed class MessageIds(KeyWrapper keys)
{
    private readonly IReadOnlyList<byte[]> _keys = keys.DeriveKeys("servicedesk.ticketing message ids");

    /// <summary>The hash a message taken in now is recorded under.</summary>
    public string Hash(string messageId) => Hash(_keys[0], messageId);

    /// <summary>Every hash a message taken in before may have been recorded under, the current one first.</summary>
    public IReadOnlyList<string> Candidates(IEnumerable<string> messageIds) =>
        [.. messageIds.Select(Normalise).Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).SelectMany(id => _keys.Select(key => Hash(key, id)))];

    /// <summary>The id without surrounding white space and angle brackets; its case is kept (RFC 5322 ids are case-sensitive).</summary>
    public static string Normalise(string messageId) => messageId.Trim().TrimStart('<').TrimEnd('>').Trim();

    private static string Hash(byte[] key, string messageId) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Normalise(messageId))));
}
