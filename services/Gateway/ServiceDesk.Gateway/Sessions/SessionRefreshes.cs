using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Microsoft.Extensions.Caching.Memory;
using ServiceDesk.Contracts.Identity.V1;

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
public sealed class SessionRefreshes(IdentityService.IdentityServiceClient identity, IMemoryCache outcomes, GatewayOptions options)
{
    /// <summary>How long a refresh that is running, or that Identity refused, is shared.</summary>
    private static readonly TimeSpan KeepUnfinished = TimeSpan.FromMinutes(1);

    // IMemoryCache.GetOrCreate is not atomic: without this lock two requests could each store a refresh of their
    // own and spend the token twice. The lock only wraps creating the entry; the refresh runs outside it.
    private readonly Lock _entries = new();

    /// <summary>
    /// The newest refresh of the session, following the tokens spent here from this one on; null if this token
    /// was not spent here (or Identity refused it).
    /// </summary>
    public async Task<SignInResponse?> NewestAfterAsync(string refreshToken)
    {
        SignInResponse? newest = null;
        while (outcomes.TryGetValue(Key(refreshToken), out Lazy<Task<SignInResponse?>>? spent)
            && spent is not null
            && await spent.Value is { } refreshed)
        {
            newest = refreshed;
            refreshToken = refreshed.RefreshToken;
        }

        return newest;
    }

    /// <summary>
    /// Spends the token through Identity, once however many requests ask at the same time: the new tokens, or
    /// null when Identity refused (the session is over).
    /// </summary>
    public async Task<SignInResponse?> RefreshOnceAsync(string refreshToken, Metadata forwardingHeaders)
    {
        var key = Key(refreshToken);
        Lazy<Task<SignInResponse?>> refresh;
        lock (_entries)
        {
            refresh = outcomes.GetOrCreate(key, entry =>
            {
                entry.AbsoluteExpirationRelativeToNow = KeepUnfinished;
                return new Lazy<Task<SignInResponse?>>(() => RefreshAsync(key, refreshToken, forwardingHeaders));
            })!;
        }

        return await refresh.Value;
    }

    private async Task<SignInResponse?> RefreshAsync(string key, string refreshToken, Metadata forwardingHeaders)
    {
        try
        {
            var refreshed = await identity.RefreshAsync(new RefreshRequest { RefreshToken = refreshToken }, forwardingHeaders);
            lock (_entries)
            {
                if (options.SpentRefreshGrace <= TimeSpan.Zero)
                {
                    outcomes.Remove(key);
                }
                else if (outcomes.TryGetValue(key, out Lazy<Task<SignInResponse?>>? entry) && entry is not null)
                {
                    outcomes.Set(key, entry, options.SpentRefreshGrace);
                }
            }

            return refreshed;
        }
        catch (RpcException exception) when (exception.StatusCode is StatusCode.Unauthenticated or StatusCode.InvalidArgument or StatusCode.NotFound)
        {
            return null;
        }
        catch
        {
            // A transient failure spent nothing: the next request tries again rather than sharing the failure.
            outcomes.Remove(key);
            throw;
        }
    }

    private static string Key(string refreshToken) => "refresh:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(refreshToken)));
}
