using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using ServiceDesk.Hosting.Clients;

namespace ServiceDesk.Hosting.Auth;

public static class AuthExtensions
{
    /// <summary>Identity signs with ES256 only; any other algorithm in a token is refused.</summary>
    public const string SigningAlgorithm = SecurityAlgorithms.EcdsaSha256;

    /// <summary>
    /// The longest authorization header read: tokens Identity issues are a small fraction of it (an agent's with
    /// every project key too), and without a bound only Kestrel's limit on all headers (32 KB) would stop one.
    /// </summary>
    public const int MaxAuthorizationHeaderLength = 8 * 1024;

    private static readonly TimeSpan JwksFetchTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// JwtBearer validation against Identity's published keys (no shared secret): issuer, audience, lifetime
    /// with <see cref="AuthOptions.ClockSkew"/>, and an ES256 signature by a key in the set that the registered
    /// <see cref="IConfigurationManager{T}"/> supplies (<see cref="JwksConfigurationManager"/> unless the service,
    /// like Identity, replaces it). A token found valid is remembered for a while (<see cref="ValidatedTokenCache"/>), and
    /// so is its caller (<see cref="RememberedCallers"/>).
    /// </summary>
    internal static void AddServiceAuth(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        builder.Services.AddSingleton(options);
        builder.Services.TryAddSingleton(TimeProvider.System);
        var jwks = builder.Services.AddHttpClient(JwksConfigurationManager.HttpClientName, client => client.Timeout = JwksFetchTimeout);
        var tls = ServiceClientExtensions.TlsOptions(builder.Configuration);
        if (tls.NeedsHandler && options.Authority?.Scheme == Uri.UriSchemeHttps)
        {
            jwks.ConfigurePrimaryHttpMessageHandler(tls.CreateHandler);
        }
        builder.Services.AddSingleton<IConfigurationManager<OpenIdConnectConfiguration>, JwksConfigurationManager>();
        builder.Services.AddSingleton(new ValidatedTokenCache(new JsonWebTokenHandler { MapInboundClaims = false }));
        builder.Services.AddSingleton<RememberedCallers>();
        builder.Services.AddAuthentication().AddJwtBearer();
        builder.Services.AddSingleton<IAuthenticationSchemeProvider, ExplicitAuthenticationOnly>();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IConfigurationManager<OpenIdConnectConfiguration>, ValidatedTokenCache>((jwt, keys, validatedTokens) =>
            {
                jwt.ConfigurationManager = keys;
                jwt.MapInboundClaims = false;
                // Nothing reads the token back from the ticket: storing it formatted and copied it on every call.
                jwt.SaveToken = false;
                jwt.TokenHandlers.Clear();
                jwt.TokenHandlers.Add(validatedTokens);
                // A failure to get the keys fails authentication instead of throwing out of the authentication
                // middleware (WebApplication adds it) as a bare HTTP 500; the CallerInterceptor tells the two apart.
                jwt.Events = new JwtBearerEvents
                {
                    // Before the handler reads the header: an oversized one is refused unparsed.
                    OnMessageReceived = context =>
                    {
                        if (context.Request.Headers.Authorization.Sum(value => value?.Length ?? 0) > MaxAuthorizationHeaderLength)
                        {
                            context.Fail(new OversizedAccessTokenException());
                        }

                        return Task.CompletedTask;
                    },
                    OnAuthenticationFailed = context =>
                    {
                        context.Fail(context.Exception);
                        return Task.CompletedTask;
                    },
                };
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = options.Issuer,
                    ValidAudience = options.Audience,
                    ClockSkew = options.ClockSkew,
                    ValidAlgorithms = [SigningAlgorithm],
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    NameClaimType = CallerClaims.Subject,
                    RoleClaimType = CallerClaims.Role,
                };
            });
    }
}
