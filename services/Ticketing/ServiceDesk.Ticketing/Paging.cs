using System.Buffers.Text;
using System.Text;
using ServiceDesk.Hosting.Errors;

namespace ServiceDesk.Ticketing;

/// <summary>
/// Page sizes and tokens. A token is the base64url form of where the previous page ended plus what the
/// request asked for; a token reused with another request, or tampered with, is INVALID_ARGUMENT. Tokens
/// only move a cursor: which projects and tickets a caller sees is decided from the caller, never the token.
/// </summary>
public static class Paging
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public static int SizeOf(int pageSize) => pageSize == 0 ? DefaultPageSize : pageSize;

    /// <summary>A token holding <paramref name="position"/> for requests described by <paramref name="request"/>.</summary>
    public static string Token(string request, string position) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{request}\n{position}"));

    /// <summary>The position in <paramref name="pageToken"/>; null for the first page.</summary>
    public static string? PositionOf(string pageToken, string request)
    {
        if (pageToken.Length == 0)
        {
            return null;
        }

        var text = Base64Url.IsValid(pageToken) ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(pageToken)) : string.Empty;
        var separator = text.LastIndexOf('\n');
        return separator > 0 && text[..separator] == request
            ? text[(separator + 1)..]
            : throw new ValidationException("page_token", "is not a token from a previous response to this same request");
    }
}
