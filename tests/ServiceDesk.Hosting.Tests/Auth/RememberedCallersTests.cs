using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Testing;
using Xunit;
using static ServiceDesk.Hosting.Tests.Auth.TestTokens;

namespace ServiceDesk.Hosting.Tests.Auth;

/// <summary>
/// A token's caller is reused only on the terms its validation is remembered on: the same header, a token found
/// valid, not past its expiry, and signed by a key still trusted. Each test costs a few milliseconds, the expiry one up to ~3 s.
/// </summary>
public sealed class RememberedCallersTests
{
    private static readonly Caller Agent = new() { Role = CallerRole.Agent, AccountId = "agent-1", SessionId = "session-1" };

    [Fact]
    public async Task A_caller_is_reused_for_the_same_header_only_once_its_token_was_found_valid()
    {
        var validated = new ValidatedTokenCache(new JsonWebTokenHandler());
        var callers = new RememberedCallers(validated, Keys(SigningKey));
        var token = Token(DateTime.UtcNow.AddMinutes(5));

        callers.Remember($"Bearer {token}", Agent);
        Assert.Null(await callers.FindAsync($"Bearer {token}", CancellationToken.None));

        Assert.True((await validated.ValidateTokenAsync(token, Parameters(SigningKey))).IsValid);
        callers.Remember($"Bearer {token}", Agent);

        Assert.Same(Agent, await callers.FindAsync($"Bearer {token}", CancellationToken.None));
        Assert.Null(await callers.FindAsync($"Bearer {Token(DateTime.UtcNow.AddMinutes(5))}", CancellationToken.None));
        Assert.Null(await callers.FindAsync($"Bearer {token}x", CancellationToken.None));
    }

    [Fact]
    public async Task A_remembered_caller_is_not_reused_once_its_signing_key_is_no_longer_trusted()
    {
        var validated = new ValidatedTokenCache(new JsonWebTokenHandler());
        var trusted = new OpenIdConnectConfiguration();
        trusted.SigningKeys.Add(SigningKey);
        var callers = new RememberedCallers(validated, new StaticConfigurationManager<OpenIdConnectConfiguration>(trusted));
        var token = Token(DateTime.UtcNow.AddMinutes(5));
        Assert.True((await validated.ValidateTokenAsync(token, Parameters(SigningKey))).IsValid);
        callers.Remember($"Bearer {token}", Agent);
        Assert.Same(Agent, await callers.FindAsync($"Bearer {token}", CancellationToken.None));

        trusted.SigningKeys.Clear();
        trusted.SigningKeys.Add(NewKey("rotated"));

        Assert.Null(await callers.FindAsync($"Bearer {token}", CancellationToken.None));
    }

    [Fact]
    public async Task A_remembered_caller_is_not_reused_once_its_token_has_expired()
    {
        var validated = new ValidatedTokenCache(new JsonWebTokenHandler());
        var callers = new RememberedCallers(validated, Keys(SigningKey));
        var token = Token(DateTime.UtcNow.AddSeconds(2));
        Assert.True((await validated.ValidateTokenAsync(token, Parameters(SigningKey))).IsValid);
        callers.Remember($"Bearer {token}", Agent);
        Assert.Same(Agent, await callers.FindAsync($"Bearer {token}", CancellationToken.None));

        await Eventually.WaitForAsync(() => callers.FindAsync($"Bearer {token}", CancellationToken.None).AsTask(), caller => caller is null, "the remembered caller's token to expire");
    }

    private static IConfigurationManager<OpenIdConnectConfiguration> Keys(SecurityKey trusted)
    {
        var configuration = new OpenIdConnectConfiguration();
        configuration.SigningKeys.Add(trusted);
        return new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
    }
}
