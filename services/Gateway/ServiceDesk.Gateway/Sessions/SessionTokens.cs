using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Microsoft.Extensions.Caching.Memory;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Gateway.Backends;

namespace ServiceDesk.Gateway.Sessions;

/// <summary>
/// The access token a request acts with: a bearer client's own <c>Authorization</c> header, or a cookie
/// session's token, refreshed through Identity shortly before it expires. Refresh tokens are single-use and
/// Identity ends a session whose refresh token is used twice, so concurrent requests of one session share one
/// refresh: its outcome is kept a minute under a hash of the refresh token it spent.
/// </summary>
public sealed class SessionTokens(
    SessionCookies cookies, GatewayOptions options, IdentityService.IdentityServiceClient identity, IMemoryCache refreshes, TimeProvider time)
{
    private static readonly TimeSpan KeepRefreshOutcome = TimeSpan.FromMinutes(1);

    // IMemoryCache.GetOrCreate is not atomic: two concurrent requests could each store a refresh of their own and
    // spend the same refresh token twice, which makes Identity end the session. Creating the entry under a lock
    // (it only wraps the refresh, which runs outside it) gives every request the same one.
    private readonly Lock _refreshEntries = new();

    /// <summary>Whether the request authenticates with a cookie session rather than its own bearer token.</summary>
    public bool UsesCookieSession(HttpContext http) =>
        !http.Request.Headers.Authorization.Any() && cookies.Read(http.Request) is not null;

    public async Task<string?> AccessTokenAsync(HttpContext http)
    {
        if (http.Request.Headers.Authorization.ToString() is { Length: > 0 } authorization)
        {
            return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
        }

        if (cookies.Read(http.Request) is not { } session)
        {
            return null;
        }

        if (session.AccessTokenExpiresAt - options.RefreshMargin > time.GetUtcNow())
        {
            return session.AccessToken;
        }

        var refreshed = await RefreshOnceAsync(session.RefreshToken, http);
        if (refreshed is null)
        {
            // The session ended (signed out, revoked, expired): the stale token gets the service's UNAUTHENTICATED.
            return session.AccessToken;
        }

        cookies.Write(http.Response, refreshed, cookies.CsrfToken(http.Request));
        return refreshed.AccessToken;
    }

    private async Task<SignInResponse?> RefreshOnceAsync(string refreshToken, HttpContext http)
    {
        var key = "refresh:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(refreshToken)));
        Lazy<Task<SignInResponse?>> outcome;
        lock (_refreshEntries)
        {
            outcome = refreshes.GetOrCreate(key, entry =>
            {
                entry.AbsoluteExpirationRelativeToNow = KeepRefreshOutcome;
                return new Lazy<Task<SignInResponse?>>(() => RefreshAsync(refreshToken, http));
            })!;
        }

        return await outcome.Value;
    }

    private async Task<SignInResponse?> RefreshAsync(string refreshToken, HttpContext http)
    {
        try
        {
            return await identity.RefreshAsync(
                new RefreshRequest { RefreshToken = refreshToken }, BackendCall.ForwardingHeaders(http), cancellationToken: CancellationToken.None);
        }
        catch (RpcException exception) when (exception.StatusCode is StatusCode.Unauthenticated or StatusCode.InvalidArgument or StatusCode.NotFound)
        {
            return null;
        }
    }
}
