using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using ServiceDesk.Hosting.KeyProtection;

namespace ServiceDesk.Directory;

/// <summary>
/// Page tokens that name the last item of the previous page by id, encrypted and authenticated (AES-256-GCM
/// under a key derived from the key-encryption key) together with their scope: the caller and the query. So a
/// token shows nothing (no personal data in URLs, no id), and one that was forged, altered, or issued to another
/// caller or for another query reads as no token at all.
/// </summary>
public sealed class PageTokens(KeyWrapper keys)
{
    private readonly KeyWrapper _tokens = keys.Derive("servicedesk.directory page tokens");

    public string Issue(string lastId, string scope) => Base64Url.EncodeToString(_tokens.Wrap(Encoding.UTF8.GetBytes(lastId), scope));

    /// <summary>The id the token names; null for anything but a token issued for <paramref name="scope"/>.</summary>
    public string? LastIdOf(string pageToken, string scope)
    {
        if (!Base64Url.IsValid(pageToken))
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(_tokens.Unwrap(Base64Url.DecodeFromChars(pageToken), scope));
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
