using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Identity.Accounts;
using ServiceDesk.Identity.Keys;

namespace ServiceDesk.Identity.Sessions;

public sealed record IssuedToken(string Value, DateTime ExpiresAt);

/// <summary>
/// Signs access tokens (ES256, <see cref="TokenOptions.AccessTokenLifetime"/>, never past their session's end) with the
/// key that signs now. A token carries only what a service reads: no <c>jti</c> (sessions, not tokens, are revoked, by
/// <c>sid</c>) and no <c>nbf</c> (it would equal <c>iat</c>), since the token travels with every call and a caller's
/// HTTP/2 client may send it Huffman-coded, which the server decodes again each time (bench/RESULTS.md).
/// </summary>
public sealed class AccessTokenIssuer(KeyRing keys, IdentityOptions options, AuthOptions auth, TimeProvider time)
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public Task<IssuedToken> IssueAsync(Account account, string sessionId, DateTime sessionEndsAt, CancellationToken cancellationToken)
    {
        List<Claim> claims =
        [
            new(CallerClaims.Subject, account.Id),
            new(CallerClaims.Role, RoleClaim(account.Role)),
            new(CallerClaims.SessionId, sessionId),
        ];
        claims.AddRange(account.ProjectKeys.Select(key => new Claim(CallerClaims.Project, key)));
        if (account.CustomerId is { } customerId)
        {
            claims.Add(new Claim(CallerClaims.CustomerId, customerId));
        }

        return SignAsync(claims, sessionEndsAt, cancellationToken);
    }

    public Task<IssuedToken> IssueForServiceAsync(string serviceName, CancellationToken cancellationToken) =>
        SignAsync(
            [
                new(CallerClaims.Subject, CallerClaims.ServiceSubject(serviceName)),
                new(CallerClaims.Role, CallerClaims.ServiceRole),
                new(CallerClaims.Service, serviceName),
            ],
            DateTime.MaxValue,
            cancellationToken);

    private async Task<IssuedToken> SignAsync(IEnumerable<Claim> claims, DateTime notAfter, CancellationToken cancellationToken)
    {
        // JWT times are whole seconds: truncate, so the expiry we report is the one in the token.
        var now = DateTime.UnixEpoch.AddSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var lifetime = options.Tokens.AccessTokenLifetime;
        var expiresAt = notAfter - now < lifetime ? DateTime.SpecifyKind(notAfter.AddTicks(-(notAfter.Ticks % TimeSpan.TicksPerSecond)), DateTimeKind.Utc) : now + lifetime;
        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            IssuedAt = now,
            Expires = expiresAt,
            Subject = new ClaimsIdentity(claims),
            SigningCredentials = await keys.GetSigningCredentialsAsync(cancellationToken),
        });
        return new IssuedToken(token, expiresAt);
    }

    private static string RoleClaim(AccountRole role) => role switch
    {
        AccountRole.Admin => CallerClaims.AdminRole,
        AccountRole.Agent => CallerClaims.AgentRole,
        AccountRole.Customer => CallerClaims.CustomerRole,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };
}
