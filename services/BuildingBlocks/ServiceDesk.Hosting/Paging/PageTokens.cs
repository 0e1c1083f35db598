using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using ServiceDesk.Hosting.KeyProtection;

namespace ServiceDesk.Hosting.Paging;

/// <summary>
/// Opaque page tokens: where the previous page ended, encrypted and authenticated (AES-256-GCM under a key derived
/// from the key-encryption key for one <c>use</c>) together with its scope, the caller and the query. A token shows
/// nothing (no id, no personal data in a URL), and one that was forged, altered, or issued to another caller or for
/// another query does not open, whatever position it names. Tokens from before a KEK rotation open while the old
/// KEK is retired.
/// </summary>
public sealed class PageTokens(KeyWrapper keys, string use)
{
    private readonly KeyWrapper _tokens = keys.Derive(use);

    /// <param name="scope">What the token is bound to: the query and <see cref="Auth.Caller.PagingIdentity"/>.</param>
    public string Issue(string position, string scope) => Base64Url.EncodeToString(_tokens.Wrap(Encoding.UTF8.GetBytes(position), scope));

    /// <returns>The position in the token; null when it was not issued for <paramref name="scope"/> by these keys.</returns>
    public string? PositionOf(string pageToken, string scope)
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
