using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ServiceDesk.Hosting.Auth;

namespace ServiceDesk.Hosting.Tests.Auth;

/// <summary>ES256 access tokens for agent-1, signed by <see cref="SigningKey"/>, and the parameters that validate them.</summary>
internal static class TestTokens
{
    private const string Issuer = "https://identity.test";
    private const string Audience = "servicedesk";

    public static readonly ECDsaSecurityKey SigningKey = NewKey("current");

    /// <summary>Each token is distinct (its own jti), even two with the same expiry.</summary>
    public static string Token(DateTime expires) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Audience,
        NotBefore = DateTime.UtcNow.AddMinutes(-1),
        IssuedAt = DateTime.UtcNow.AddMinutes(-1),
        Expires = expires,
        Claims = new Dictionary<string, object> { ["sub"] = "agent-1", ["jti"] = Guid.NewGuid().ToString("N") },
        SigningCredentials = new SigningCredentials(SigningKey, AuthExtensions.SigningAlgorithm),
    });

    public static TokenValidationParameters Parameters(SecurityKey trusted) => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        ValidAlgorithms = [AuthExtensions.SigningAlgorithm],
        IssuerSigningKeys = [trusted],
        ClockSkew = TimeSpan.Zero,
    };

    public static ECDsaSecurityKey NewKey(string keyId) => new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = keyId };
}
