using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Testing;
using Xunit;
using static ServiceDesk.Hosting.Tests.Auth.TestTokens;

namespace ServiceDesk.Hosting.Tests.Auth;

/// <summary>
/// A token found valid is accepted again without its signature being checked, but never past its expiry and never
/// once the key that signed it is no longer trusted. Each test costs a few milliseconds, the expiry one up to ~3 s.
/// </summary>
public sealed class ValidatedTokenCacheTests
{

    [Fact]
    public async Task The_same_token_has_its_signature_checked_once_and_each_call_gets_its_own_identity()
    {
        var verifications = new CountingCryptoProviderFactory();
        var cache = new ValidatedTokenCache(new JsonWebTokenHandler());
        var token = Token(DateTime.UtcNow.AddMinutes(5));
        var parameters = Parameters(SigningKey);
        parameters.CryptoProviderFactory = verifications;

        var first = await cache.ValidateTokenAsync(token, parameters);
        var second = await cache.ValidateTokenAsync(token, parameters);

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal("agent-1", second.ClaimsIdentity.FindFirst("sub")?.Value);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Equal(1, verifications.Verifiers);
    }

    [Fact]
    public async Task A_remembered_token_is_refused_once_its_signing_key_is_no_longer_trusted()
    {
        var cache = new ValidatedTokenCache(new JsonWebTokenHandler());
        var token = Token(DateTime.UtcNow.AddMinutes(5));
        Assert.True((await cache.ValidateTokenAsync(token, Parameters(SigningKey))).IsValid);

        Assert.False((await cache.ValidateTokenAsync(token, Parameters(NewKey("rotated")))).IsValid);
    }

    [Fact]
    public async Task A_remembered_token_is_refused_once_it_has_expired()
    {
        var cache = new ValidatedTokenCache(new JsonWebTokenHandler());
        var token = Token(DateTime.UtcNow.AddSeconds(2));
        var parameters = Parameters(SigningKey);
        Assert.True((await cache.ValidateTokenAsync(token, parameters)).IsValid);

        await Eventually.WaitForAsync(() => cache.ValidateTokenAsync(token, parameters), result => !result.IsValid, "the remembered token to expire");
    }

    /// <summary>Counts the signature verifiers asked for: one per signature actually checked.</summary>
    private sealed class CountingCryptoProviderFactory : CryptoProviderFactory
    {
        private int _verifiers;

        public int Verifiers => _verifiers;

        public override SignatureProvider CreateForVerifying(SecurityKey key, string algorithm, bool cacheProvider)
        {
            Interlocked.Increment(ref _verifiers);
            return base.CreateForVerifying(key, algorithm, cacheProvider);
        }
    }
}
