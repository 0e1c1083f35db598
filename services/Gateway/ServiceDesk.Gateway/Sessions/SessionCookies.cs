using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using ServiceDesk.Contracts.Identity.V1;

namespace ServiceDesk.Gateway.Sessions;

/// <summary>
/// A browser session is two cookies. The session cookie (HttpOnly, SameSite=Strict, Secure outside local runs)
/// holds the user's access and refresh tokens and the session's CSRF token: the gateway keeps nothing. The CSRF cookie
/// holds that token for the console's scripts to read and send back in <see cref="CsrfHeader"/>: a page of another
/// site can neither read it nor set the header. The header must match the token in the session cookie, not just the
/// CSRF cookie, which a site that can set cookies for the gateway's host (where the <c>__Host-</c> prefix is off) could
/// set to a value of its own, or which another session's could be.
/// </summary>
public sealed class SessionCookies(GatewayOptions options)
{
    public const string CsrfHeader = "X-CSRF-Token";

    private string Prefix => options.SecureCookies ? "__Host-" : string.Empty;

    private static readonly JsonSerializerOptions StateFormat = new() { RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true };

    public string SessionName => $"{Prefix}sd_session";

    public string CsrfName => $"{Prefix}sd_csrf";

    public SessionState? Read(HttpRequest request)
    {
        if (request.Cookies[SessionName] is not { Length: > 0 } value)
        {
            return null;
        }

        try
        {
            // Anything but a whole session (as this gateway writes them) is no session: the cookie is the client's to forge.
            return JsonSerializer.Deserialize<SessionState>(Base64Url.DecodeFromChars(value), StateFormat) is { AccessToken.Length: > 0, RefreshToken.Length: > 0, CsrfToken.Length: > 0 } state
                ? state
                : null;
        }
        catch (Exception exception) when (exception is FormatException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes the session from a sign-in or refresh; a new session also gets a new CSRF token, returned.</summary>
    public string Write(HttpResponse response, SignInResponse signedIn, string? csrfToken = null)
    {
        csrfToken ??= Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var state = new SessionState(signedIn.AccessToken, signedIn.AccessTokenExpiresAt.ToDateTimeOffset(), signedIn.RefreshToken, csrfToken);
        var expires = signedIn.RefreshTokenExpiresAt?.ToDateTimeOffset();
        response.Cookies.Append(SessionName, Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(state)), Options(httpOnly: true, expires));
        response.Cookies.Append(CsrfName, csrfToken, Options(httpOnly: false, expires));
        return csrfToken;
    }

    public void Clear(HttpResponse response)
    {
        response.Cookies.Delete(SessionName, Options(httpOnly: true, expires: null));
        response.Cookies.Delete(CsrfName, Options(httpOnly: false, expires: null));
    }

    /// <summary>Whether an unsafe request of a cookie session carries its session's CSRF token in the header.</summary>
    public bool HasValidCsrfToken(HttpRequest request) =>
        Read(request) is { } session
        && request.Headers[CsrfHeader].ToString() is { Length: > 0 } header
        && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(session.CsrfToken), System.Text.Encoding.UTF8.GetBytes(header));

    /// <summary>The CSRF token of the request's cookie session, as its session cookie holds it.</summary>
    public string? CsrfToken(HttpRequest request) => Read(request)?.CsrfToken;

    private CookieOptions Options(bool httpOnly, DateTimeOffset? expires) => new()
    {
        HttpOnly = httpOnly,
        Secure = options.SecureCookies,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}

/// <summary>What the session cookie holds.</summary>
public sealed record SessionState(string AccessToken, DateTimeOffset AccessTokenExpiresAt, string RefreshToken, string CsrfToken);

