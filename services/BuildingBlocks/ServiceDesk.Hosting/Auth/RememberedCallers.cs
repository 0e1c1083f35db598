using System.Collections.Concurrent;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ServiceDesk.Hosting.Auth;

/// <summary>
/// The callers of access tokens found valid lately, by the exact authorization header. With signatures remembered
/// (<see cref="ValidatedTokenCache"/>), JwtBearer's handler, its validation parameters and the claims it maps to a
/// <see cref="Caller"/> were still most of what authenticating a call cost (measured in bench/RESULTS.md). A caller is
/// reused on the terms of that cache, which it reads when remembering: while the token has not expired (with the clock
/// skew), for at most <see cref="ValidatedTokenCache.MaxAge"/>, and while the key that signed it is among the keys
/// tokens are validated with now. What holds per call beyond the token (Identity's ended sessions) is checked by the
/// <see cref="CallerInterceptor"/> on every call, remembered or not.
/// </summary>
public sealed class RememberedCallers(ValidatedTokenCache validatedTokens, IConfigurationManager<OpenIdConnectConfiguration> keys)
{
    /// <summary>Callers remembered at most; past it the cache starts over, so a flood of distinct tokens costs no memory.</summary>
    private const int MaxEntries = 10_000;

    private const string BearerPrefix = "Bearer ";

    private readonly ConcurrentDictionary<string, Remembered> _callers = new(StringComparer.Ordinal);

    private sealed record Remembered(Caller Caller, SecurityKey SigningKey, DateTime Until);

    /// <summary>The caller of <paramref name="authorization"/> if it was remembered and its token is still accepted; null to validate it.</summary>
    public async ValueTask<Caller?> FindAsync(string authorization, CancellationToken cancellationToken)
    {
        if (!_callers.TryGetValue(authorization, out var known))
        {
            return null;
        }

        if (DateTime.UtcNow >= known.Until)
        {
            _callers.TryRemove(new KeyValuePair<string, Remembered>(authorization, known));
            return null;
        }

        try
        {
            var trusted = await keys.GetConfigurationAsync(cancellationToken);
            return trusted.SigningKeys.Any(key => ReferenceEquals(key, known.SigningKey)) ? known.Caller : null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The keys cannot be had: JwtBearer's validation meets the same failure and reports it.
            return null;
        }
    }

    /// <summary>Remembers the caller of a header whose token was just found valid (and so is among the validated tokens).</summary>
    public void Remember(string authorization, Caller caller)
    {
        if (!authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            || validatedTokens.Find(authorization[BearerPrefix.Length..].Trim()) is not var (signingKey, until))
        {
            return;
        }

        _callers.Remember(authorization, new Remembered(caller, signingKey, until), MaxEntries);
    }
}
