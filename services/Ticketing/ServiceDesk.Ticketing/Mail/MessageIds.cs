using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using ServiceDesk.Hosting.KeyProtection;

namespace ServiceDesk.Ticketing.Mail;

/// <summary>
/// Message-IDs as Ticketing keeps them: HMAC-SHA256 under a key derived from the key-encryption key, never in
/// clear, because a Message-ID often carries the sender's address or host; each project's apart, so one message sent
/// to two projects' addresses is taken in by each. A look-up tries the hash under the current KEK and under each
/// retired one, so messages taken in before a KEK rotation are still recognised, and the hash earlier versions
/// recorded for every project at once (whose ticket then tells which project took the message in).
/// </summary>
public sealed class MessageIds(KeyWrapper keys)
{
    private readonly IReadOnlyList<byte[]> _keys = keys.DeriveKeys("servicedesk.ticketing message ids of a project");
    private readonly IReadOnlyList<byte[]> _keysOfAnyProject = keys.DeriveKeys("servicedesk.ticketing message ids");

    /// <summary>The hash a message taken in now for the project is recorded under.</summary>
    public string Hash(string projectKey, string messageId) => Hash(_keys[0], $"{projectKey} {Normalise(messageId)}");

    /// <summary>
    /// Every hash a message taken in before for the project may have been recorded under: the project's, current KEK
    /// first, then those of any project.
    /// </summary>
    public IReadOnlyList<string> Candidates(string projectKey, IEnumerable<string> messageIds)
    {
        var ids = messageIds.Select(Normalise).Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        return
        [
            .. ids.SelectMany(id => _keys.Select(key => Hash(key, $"{projectKey} {id}"))),
            .. ids.SelectMany(id => _keysOfAnyProject.Select(key => Hash(key, id))),
        ];
    }

    /// <summary>The id without surrounding white space and angle brackets; its case is kept (RFC 5322 ids are case-sensitive).</summary>
    public static string Normalise(string messageId) => messageId.Trim().TrimStart('<').TrimEnd('>').Trim();

    private static string Hash(byte[] key, string text) => Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text)));
}
