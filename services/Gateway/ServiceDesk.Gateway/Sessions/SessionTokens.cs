using Grpc.Core;
using ServiceDesk.Contracts.Identity.V1;

namespace ServiceDesk.Gateway.Sessions;

/// <summary>
/// The access token a request acts with: a bearer client's own <c>Authorization</c> header, or a cookie
/// session's token, refreshed through Identity shortly before it expires (see <see cref="SessionRefreshes"/>).
/// Either is first shown to Identity, which refuses the token of an ended session (signed out, revoked, disabled,
/// deleted, password changed or reset) at once, where the other services accept it until it expires: without the
/// check a copied cookie or token went on reading and writing through the gateway for up to the token's lifetime
/// after its owner changed the password, an admin disabled the account, or the session was revoked. A customer's token
/// is passed on regardless only where the endpoint says so (<see cref="EndedCustomerSessions"/>).
/// </summary>
public sealed class SessionTokens(
    SessionCookies cookies, GatewayOptions options, SessionRefreshes refreshes, IdentityService.IdentityServiceClient identity, TimeProvider time)
{
    /// <summary>The token this request acts with, once found and checked (the scope is one request).</summary>
    private Task<string?>? _checked;

    /// <summary>Whether the request authenticates with a cookie session rather than its own bearer token.</summary>
    public bool UsesCookieSession(HttpContext http) =>
        !HasAuthorization(http) && cookies.Read(http.Request) is not null;

    public Task<string?> AccessTokenAsync(HttpContext http) => _checked ??= CheckedAccessTokenAsync(http);

    private async Task<string?> CheckedAccessTokenAsync(HttpContext http)
    {
        if (!HasAuthorization(http))
        {
            return await CookieAccessTokenAsync(http);
        }

        // Identity's refusal is the answer (401 with its reason), as the service called would have given for a bad token.
        var token = BearerToken(http);
        try
        {
            if (token is not null)
            {
                await WhoAmIAsync(token, http);
            }
        }
        catch (RpcException exception) when (exception.StatusCode is StatusCode.Unauthenticated && EndedCustomerSessions.AreAllowed(http, token!))
        {
            // The service called decides, as it would for a caller reaching it directly.
        }

        return token;
    }

    private async Task<string?> CookieAccessTokenAsync(HttpContext http)
    {
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
            // Not remembered as ended: the cookie is the client's to write, and forged ones must not fill the memory.
            return await IsLiveAsync(accessToken, http) || EndedCustomerSessions.AreAllowed(http, accessToken) ? accessToken : Ended(http);
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

    /// <summary>
    /// Whether Identity still holds the token's session. A token it refuses for any other reason (malformed, expired,
    /// not its signature) is refused by the services too, so only UNAUTHENTICATED counts; any other failure is the
    /// request's (503, 429), never a pass.
    /// </summary>
    private async Task<bool> IsLiveAsync(string accessToken, HttpContext http)
    {
        try
        {
            await WhoAmIAsync(accessToken, http);
            return true;
        }
        catch (RpcException exception) when (exception.StatusCode is StatusCode.Unauthenticated)
        {
            return false;
        }
    }

    private async Task WhoAmIAsync(string accessToken, HttpContext http) =>
        await identity.WhoAmIAsync(new WhoAmIRequest(), new CallOptions(new Metadata { { "authorization", $"Bearer {accessToken}" } }, cancellationToken: http.RequestAborted));

    private static string? BearerToken(HttpContext http)
    {
        var authorization = http.Request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }

    /// <summary>An empty header is none: the request is a cookie session's, CSRF check included.</summary>
    private static bool HasAuthorization(HttpContext http) => http.Request.Headers.Authorization.ToString().Length > 0;
}
