using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Hosting.KeyProtection;
using ServiceDesk.Hosting.Paging;

namespace ServiceDesk.Ticketing;

/// <summary>
/// Page sizes and tokens. A token holds where the previous page ended, opaque and bound to the caller and the
/// request (<see cref="PageTokens"/>); a token reused by another caller or with another request, forged or tampered
/// with, is INVALID_ARGUMENT. Tokens only move a cursor: which projects and tickets a caller sees is decided from
/// the caller, never the token.
/// </summary>
public sealed class Paging(KeyWrapper keys)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    private readonly PageTokens _tokens = new(keys, "servicedesk.ticketing page tokens");

    public static int SizeOf(int pageSize) => pageSize == 0 ? DefaultPageSize : pageSize;

    /// <summary>A token holding <paramref name="position"/> for the caller's requests described by <paramref name="request"/>.</summary>
    public string Token(Caller caller, string request, string position) => _tokens.Issue(position, Scope(caller, request));

    /// <summary>The position in <paramref name="pageToken"/>; null for the first page.</summary>
    /// <exception cref="ValidationException">The token was not issued to this caller for this request.</exception>
    public string? PositionOf(string pageToken, Caller caller, string request) =>
        pageToken.Length == 0
            ? null
            : _tokens.PositionOf(pageToken, Scope(caller, request))
                ?? throw new ValidationException("page_token", "is not a token from a previous response to this caller and request");

    private static string Scope(Caller caller, string request) => $"{request}|{caller.PagingIdentity()}";
}
