using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ServiceDesk.Hosting.Auth;

/// <summary>
/// JwtBearer's token handler, remembering the tokens it found valid: a client sends the same access token with every
/// call, and checking its ES256 signature again each time was most of what an authenticated call cost (measured in
/// bench/RESULTS.md). A remembered token is accepted again without its signature being checked only while it has not
/// expired (with the configured clock skew), for at most <see cref="MaxAge"/>, and only while the key that signed it
/// is still among the keys the call is validated with: a key dropped from Identity's key set stops its tokens at the
/// next key refresh, as before. What runs after validation (Identity's ended-session check, in the <see cref="CallerInterceptor"/>) runs on every call.
/// </summary>
public sealed class ValidatedTokenCache(TokenHandler inner) : TokenHandler
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    /// <summary>Tokens remembered at most; past it the cache starts over, so a flood of distinct tokens costs no memory.</summary>
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Validated> _validated = new(StringComparer.Ordinal);

    private sealed record Validated(TokenValidationResult Result, SecurityKey SigningKey, DateTime Until);

    public override int MaximumTokenSizeInBytes
    {
        get => inner.MaximumTokenSizeInBytes;
        set => inner.MaximumTokenSizeInBytes = value;
    }

    public override SecurityToken ReadToken(string token) => inner.ReadToken(token);

    /// <summary>The key that signed <paramref name="token"/> and until when it is accepted unchecked, if it was found valid lately.</summary>
    public (SecurityKey SigningKey, DateTime Until)? Find(string token) =>
        _validated.TryGetValue(token, out var known) ? (known.SigningKey, known.Until) : null;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = DateTime.UtcNow;
        if (_validated.TryGetValue(token, out var known)
            && now < known.Until
            && (validationParameters.IssuerSigningKeys ?? []).Any(key => ReferenceEquals(key, known.SigningKey)))
        {
            return new TokenValidationResult
            {
                IsValid = true,
                SecurityToken = known.Result.SecurityToken,
                // Each call gets its own identity: what one call's handlers do to it stays with that call.
                ClaimsIdentity = known.Result.ClaimsIdentity.Clone(),
                Issuer = known.Result.Issuer,
                TokenType = known.Result.TokenType,
            };
        }

        var result = await inner.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken { SigningKey: { } signingKey } validated)
        {
            var expires = validated.ValidTo + validationParameters.ClockSkew;
            _validated.Remember(token, new Validated(result, signingKey, expires < now + MaxAge ? expires : now + MaxAge), MaxEntries);
        }

        return result;
    }
}
