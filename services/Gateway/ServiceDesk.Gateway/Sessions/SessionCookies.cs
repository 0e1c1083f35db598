using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using ServiceDesk.Contracts.Identity.V1;

namespace ServiceDesk.Gateway.Sessions;

/// <summary>
/// A browser session is two cookies. The session cookie (HttpOnly, SameSite=Strict, Secure outside local runs)
/// holds the user's access and refresh tokens: the gateway keeps nothing. The CSRF cookie holds a random token
/// the console's scripts read and send back in <see cref="CsrfHeader"/> (double submit): a page of another site
/// can neither read it nor set the header.
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
            return JsonSerializer.Deserialize<SessionState>(Base64Url.DecodeFromChars(value), StateFormat) is { AccessToken.Length: > 0, RefreshToken.Length: > 0 } state
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
        var state = new SessionState(signedIn.AccessToken, signedIn.AccessTokenExpiresAt.ToDateTimeOffset(), signedIn.RefreshToken);
        var expires = signedIn.RefreshTokenExpiresAt?.ToDateTimeOffset();
        response.Cookies.Append(SessionName, Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(state)), Options(httpOnly: true, expires));
        csrfToken ??= Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        response.Cookies.Append(CsrfName, csrfToken, Options(httpOnly: false, expires));
        return csrfToken;
    }

    public void Clear(HttpResponse response)
    {
        response.Cookies.Delete(SessionName, Options(httpOnly: true, expires: null));
        response.Cookies.Delete(CsrfName, Options(httpOnly: false, expires: null));
    }

    /// <summary>Whether an unsafe request of a cookie session carries the CSRF cookie's value in the header.</summary>
    public bool HasValidCsrfToken(HttpRequest request) =>
        request.Cookies[CsrfName] is { Length: > 0 } cookie
        && request.Headers[CsrfHeader].ToString() is { Length: > 0 } header
        && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(cookie), System.Text.Encoding.UTF8.GetBytes(header));

    public string? CsrfToken(HttpRequest request) => request.Cookies[CsrfName];

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
public sealed record SessionState(string AccessToken, DateTimeOffset AccessTokenExpiresAt, string RefreshToken);

