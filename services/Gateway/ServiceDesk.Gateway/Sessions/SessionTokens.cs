using ServiceDesk.Contracts.Identity.V1;

namespace ServiceDesk.Gateway.Sessions;

/// <summary>
/// The access token a request acts with: a bearer client's own <c>Authorization</c> header, or a cookie
/// session's token, refreshed through Identity shortly before it expires (see <see cref="SessionRefreshes"/>).
/// </summary>
public sealed class SessionTokens(SessionCookies cookies, GatewayOptions options, SessionRefreshes refreshes, TimeProvider time)
{
    /// <summary>Whether the request authenticates with a cookie session rather than its own bearer token.</summary>
    public bool UsesCookieSession(HttpContext http) =>
        !HasAuthorization(http) && cookies.Read(http.Request) is not null;

    public async Task<string?> AccessTokenAsync(HttpContext http)
    {
        if (HasAuthorization(http))
        {
            var authorization = http.Request.Headers.Authorization.ToString();
            return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
        }

        if (cookies.Read(http.Request) is not { } session)
        {
            return null;
        }

        // A copy of a cookie signed out here: its access token would still be good outside Identity until it expires.
        if (refreshes.HasEnded(session.RefreshToken))
        {
            return Ended(http);
        }

        // A cookie whose refresh token was spent already (another request's answer reached the browser last and
        // put it back) carries on, within Gateway:SpentRefreshGrace, from the session's newest refresh, and the browser
        // gets that one back: while Identity still holds the session, which a sign-out elsewhere (with the newest
        // cookie) may have ended since.
        var newest = await refreshes.NewestAfterAsync(session.RefreshToken);
        if (newest is not null && !await refreshes.IsLiveAsync(newest))
        {
            return Ended(http);
        }

        var (accessToken, expiresAt, refreshToken, _) = newest is null
            ? session
            : new SessionState(newest.AccessToken, newest.AccessTokenExpiresAt.ToDateTimeOffset(), newest.RefreshToken, session.CsrfToken);
        if (expiresAt <= time.GetUtcNow() + options.RefreshMargin)
        {
            // Null when the session ended (signed out, revoked, expired).
            newest = await refreshes.RefreshOnceAsync(refreshToken, http);
            if (newest is null)
            {
                return Ended(http);
            }
        }

        if (newest is null)
        {
            return accessToken;
        }

        cookies.Write(http.Response, newest, session.CsrfToken);
        return newest.AccessToken;
    }

    /// <summary>The session is over: its cookies are cleared, and the request goes on unauthenticated.</summary>
    private string? Ended(HttpContext http)
    {
        cookies.Clear(http.Response);
        return null;
    }

    /// <summary>An empty header is none: the request is a cookie session's, CSRF check included.</summary>
    private static bool HasAuthorization(HttpContext http) => http.Request.Headers.Authorization.ToString().Length > 0;
}
