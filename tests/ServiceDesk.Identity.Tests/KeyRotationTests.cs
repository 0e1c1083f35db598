using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Testing;
using Xunit;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Identity.Tests;

[Collection(IdentityCollection.Name)]
public sealed class KeyRotationTests(IdentityFixture fixture)
{
    /// <summary>
    /// Keys rotate every 4 s and are published 2 s ahead; the probe refetches the key set every 0.5 s. For
    /// 11 s, each new token must validate at the probe on its first presentation (no downtime), and every
    /// earlier token that has not expired must still validate (old keys stay published while they matter).
    /// </summary>
    [Fact]
    public async Task Keys_rotate_without_any_token_being_refused()
    {
        await using var identity = await IdentityTestHost.StartAsync(
            fixture.Redis,
            ("Identity:Keys:RotationInterval", "00:00:04"),
            ("Identity:Keys:PublishLead", "00:00:02"),
            ("Identity:Keys:CheckInterval", "00:00:00.100"),
            ("Identity:Tokens:AccessTokenLifetime", "00:00:03"),
            ("Auth:ClockSkew", "00:00:00"));
        await using var probe = await ProbeService.StartAsync(identity, ("Auth:KeyRefreshInterval", "00:00:00.500"));
        var probeClient = new IdentityService.IdentityServiceClient(probe.Channel);
        var signedIn = await identity.SignInAsync(AdminLogin);
        var firstKid = new JsonWebToken(signedIn.AccessToken).Kid;
        var tokens = new List<SignInResponse> { signedIn };
        var until = DateTime.UtcNow.AddSeconds(11);

        while (DateTime.UtcNow < until)
        {
            signedIn = await identity.Client().RefreshAsync(new RefreshRequest { RefreshToken = signedIn.RefreshToken });
            tokens.Add(signedIn);
            foreach (var token in tokens.Where(t => t.AccessTokenExpiresAt.ToDateTime() > DateTime.UtcNow))
            {
                try
                {
                    var reply = await probeClient.WhoAmIAsync(new WhoAmIRequest(), Bearer(token.AccessToken));
                    Assert.Equal(token.Account.Id, reply.Account.Id);
                }
                catch (RpcException refused) when (refused.StatusCode == StatusCode.Unauthenticated && DateTime.UtcNow >= token.AccessTokenExpiresAt.ToDateTime())
                {
                    // It expired while the call was on its way (a loaded runner): refused for its age, not its key.
                    Assert.Contains("expired", refused.Status.Detail, StringComparison.Ordinal);
                }
            }

            await Eventually.WaitForAsync(() => DateTime.UtcNow > tokens[^1].AccessTokenExpiresAt.ToDateTime().AddSeconds(-2.8), "the next round");
        }

        var kids = tokens.Select(t => new JsonWebToken(t.AccessToken).Kid).Distinct().ToList();
        Assert.True(kids.Count >= 3, $"expected at least three signing keys in 11 s, saw {kids.Count}");
        var published = await Eventually.WaitForAsync(
            async () => (await identity.Client().GetJwksAsync(new GetJwksRequest())).Keys.Select(k => k.Kid).ToList(),
            keys => !keys.Contains(firstKid),
            "the first key to be withdrawn once its tokens have expired");
        Assert.Contains(kids[^1], published);
    }
}
