using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Caching.Memory;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Gateway.Backends;
using ServiceDesk.Gateway.Security;
using ServiceDesk.Hosting.Auth;

namespace ServiceDesk.Gateway.Sessions;

/// <summary>
/// The cookie sessions' refreshes, one per refresh token for the whole gateway. Refresh tokens are single-use and
/// Identity ends a session whose refresh token is presented twice, yet a browser presents the same one from many
/// requests at once, and a response carrying an older refresh can reach it after a newer one and put a spent token
/// back in its cookie jar. So the outcome of spending a token is kept, under the token's hash, for
/// <see cref="GatewayOptions.SpentRefreshGrace"/>: every request presenting that token again in that time gets the
/// newest refresh of its session instead of spending the token a second time. That is also the only time in which
/// a stolen, already spent token gets the session's tokens; after it, presenting the token to Identity is a reuse,
/// which ends the session.
/// </summary>
/// <remarks>
/// The cookie is the client's to write, so every refresh asked of Identity takes a permit of the client's
/// <see cref="SignInLimiter"/>, and at most <see cref="GatewayOptions.MaxRememberedRefreshes"/> are remembered. A
/// refresh running or spent within the grace is never forgotten early (forgotten, its token would be spent twice); a
/// refusal is, first, when room is needed. With no room left, a refresh is not started at all: 503 with Retry-After.
/// A session signed out here is remembered as ended until its access token expires (<see cref="Ended"/>).
/// </remarks>
public sealed class SessionRefreshes(IdentityService.IdentityServiceClient identity, SignInLimiter limiter, GatewayOptions options, AuthOptions auth) : IDisposable
{
    /// <summary>How long a refresh that is running, or that Identity refused, is shared.</summary>
    private static readonly TimeSpan KeepUnfinished = TimeSpan.FromMinutes(1);

    /// <summary>The longest a session ended here is remembered: far beyond any access token's lifetime.</summary>
    private static readonly TimeSpan KeepEnded = TimeSpan.FromDays(1);

    /// <summary>The share of the entries a full memory drops at once (refusals, least recently used first).</summary>
    private const double CompactionShare = 0.05;

    private readonly MemoryCache _outcomes = new(new MemoryCacheOptions { SizeLimit = options.MaxRememberedRefreshes });

    // Finding, adding and replacing entries go under this lock: without it two requests could each store a refresh
    // of their own and spend the token twice. The refresh itself runs outside it.
    private readonly Lock _entries = new();

    /// <summary>
    /// The newest refresh of the session, following the tokens spent here from this one on; null if this token
    /// was not spent here (or Identity refused it).
    /// </summary>
    public async Task<SignInResponse?> NewestAfterAsync(string refreshToken)
    {
        SignInResponse? newest = null;
        while (_outcomes.TryGetValue(Key(refreshToken), out Lazy<Task<SignInResponse?>>? spent)
            && spent is not null
            && await spent.Value is { } refreshed)
        {
            newest = refreshed;
            refreshToken = refreshed.RefreshToken;
        }

        return newest;
    }

    /// <summary>
    /// The cookie session of <paramref name="refreshToken"/> was signed out here (or replaced by a sign-in in the same
    /// browser). Identity ends it, but the services other than Identity accept its access token until it expires: a copy
    /// of the cookie would go on reading and writing until then. So it is remembered as ended, as a refused refresh is,
    /// until that expiry and the services' clock skew have passed (<see cref="HasEnded"/>).
    /// </summary>
    /// <remarks>
    /// The expiry is the cookie's, which its client writes: it is kept at most <see cref="KeepEnded"/>, and as an entry
    /// dropped before any refresh running or spent within the grace when room is needed.
    /// </remarks>
    public void Ended(string refreshToken, DateTimeOffset accessTokenExpiresAt)
    {
        var keep = accessTokenExpiresAt - DateTimeOffset.UtcNow + auth.ClockSkew;
        if (keep <= TimeSpan.Zero)
        {
            return;
        }

        lock (_entries)
        {
            Remember(
                Key(refreshToken), new Lazy<Task<SignInResponse?>>(Task.FromResult<SignInResponse?>(null)), keep < KeepEnded ? keep : KeepEnded, CacheItemPriority.Normal);
        }
    }

    /// <summary>Whether the session of this refresh token is known here to be over: signed out here, or its refresh refused by Identity.</summary>
    public bool HasEnded(string refreshToken) =>
        _outcomes.TryGetValue(Key(refreshToken), out Lazy<Task<SignInResponse?>>? outcome)
        && outcome is { IsValueCreated: true, Value: { IsCompletedSuccessfully: true, Result: null } };

    /// <summary>
    /// Whether the session of a refresh remembered here is still live at Identity (not signed out, revoked or ended by
    /// a password change since): a cookie presenting an already spent token carries on from that refresh only then.
    /// </summary>
    public async Task<bool> IsLiveAsync(SignInResponse refreshed)
    {
        try
        {
            await identity.WhoAmIAsync(new WhoAmIRequest(), new Metadata { { "authorization", $"Bearer {refreshed.AccessToken}" } });
            return true;
        }
        catch (RpcException exception) when (exception.StatusCode is StatusCode.Unauthenticated)
        {
            return false;
        }
    }

    /// <summary>
    /// Spends the token through Identity, once however many requests ask at the same time: the new tokens, or
    /// null when Identity refused (the session is over).
    /// </summary>
    /// <exception cref="RefreshNotStartedException">The client is over its limit, or there is no room to remember the refresh.</exception>
    public async Task<SignInResponse?> RefreshOnceAsync(string refreshToken, HttpContext http)
    {
        var key = Key(refreshToken);
        Lazy<Task<SignInResponse?>>? refresh;
        lock (_entries)
        {
            if (!_outcomes.TryGetValue(key, out refresh) || refresh is null)
            {
                // Requests sharing a refresh, or its outcome, take no permit: a browser's concurrent requests spend one.
                if (!limiter.TryAcquire(http, out var retryAfter))
                {
                    throw new RefreshNotStartedException(GatewayRateLimits.TooManyRequests(), retryAfter);
                }

                var forwardingHeaders = BackendCall.ForwardingHeaders(http, options);
                refresh = new Lazy<Task<SignInResponse?>>(() => RefreshAsync(key, refreshToken, forwardingHeaders));
                if (!Remember(key, refresh, KeepUnfinished, CacheItemPriority.NeverRemove))
                {
                    throw new RefreshNotStartedException(NoRoom, TimeSpan.FromSeconds(1));
                }
            }
        }

        return await refresh.Value;
    }

    public void Dispose() => _outcomes.Dispose();

    private async Task<SignInResponse?> RefreshAsync(string key, string refreshToken, Metadata forwardingHeaders)
    {
        try
        {
            var refreshed = await identity.RefreshAsync(new RefreshRequest { RefreshToken = refreshToken }, forwardingHeaders);
            Settle(key, options.SpentRefreshGrace, CacheItemPriority.NeverRemove);
            return refreshed;
        }
        catch (RpcException exception) when (exception.StatusCode is StatusCode.Unauthenticated or StatusCode.InvalidArgument or StatusCode.NotFound)
        {
            // Kept only to spare Identity the same dead token again: the first to go when room is needed.
            Settle(key, KeepUnfinished, CacheItemPriority.Low);
            return null;
        }
        catch
        {
            // A transient failure spent nothing: the next request tries again rather than sharing the failure.
            lock (_entries)
            {
                _outcomes.Remove(key);
            }

            throw;
        }
    }

    /// <summary>The finished refresh's entry, kept for <paramref name="keep"/> from now with <paramref name="priority"/>.</summary>
    private void Settle(string key, TimeSpan keep, CacheItemPriority priority)
    {
        lock (_entries)
        {
            if (!_outcomes.TryGetValue(key, out Lazy<Task<SignInResponse?>>? entry) || entry is null)
            {
                return;
            }

            // Removed first, so that the entry replaces itself in the room it had: a full memory never refuses it.
            _outcomes.Remove(key);
            if (keep > TimeSpan.Zero)
            {
                Remember(key, entry, keep, priority);
            }
        }
    }

    /// <summary>Stores the entry, dropping expired entries and refusals first when full; false when there is still no room.</summary>
    private bool Remember(string key, Lazy<Task<SignInResponse?>> entry, TimeSpan keep, CacheItemPriority priority)
    {
        var entryOptions = new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = keep, Priority = priority, Size = 1 };
        _outcomes.Set(key, entry, entryOptions);
        if (_outcomes.TryGetValue(key, out _))
        {
            return true;
        }

        _outcomes.Compact(Math.Max(CompactionShare, 1.0 / Math.Max(1, _outcomes.Count)));
        _outcomes.Set(key, entry, entryOptions);
        return _outcomes.TryGetValue(key, out _);
    }

    private static ProblemDetails NoRoom => new()
    {
        Status = StatusCodes.Status503ServiceUnavailable,
        Title = "Service unavailable",
        Detail = "The gateway is refreshing too many sessions at once; try again after the time in Retry-After.",
        Extensions = { ["code"] = "UNAVAILABLE" },
    };

    private static string Key(string refreshToken) => "refresh:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(refreshToken)));
}
