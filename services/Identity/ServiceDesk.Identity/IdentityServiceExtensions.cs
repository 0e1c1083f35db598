using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using IdentityGrpc = ServiceDesk.Contracts.Identity.V1.IdentityService;
using ServiceDesk.Hosting;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.KeyProtection;
using ServiceDesk.Hosting.Startup;
using ServiceDesk.Hosting.Validation;
using ServiceDesk.Identity.Accounts;
using ServiceDesk.Identity.Erasure;
using ServiceDesk.Identity.Grpc;
using ServiceDesk.Identity.Keys;
using ServiceDesk.Identity.ServiceTokens;
using ServiceDesk.Identity.Sessions;
using ServiceDesk.Identity.Throttling;
using ServiceDesk.Messaging;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Storage;

namespace ServiceDesk.Identity;

public static class IdentityServiceExtensions
{
    public static WebApplicationBuilder AddIdentityService(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults(ServiceNames.Identity);
        builder.AddKeyProtection();
        builder.AddServiceStorage(ServiceNames.Identity);
        builder.AddRedis(ServiceNames.Identity);
        builder.AddEventBus().AddErasureParticipant<IdentityErasure>();
        // Until the erasure replay is done, a restored Identity signs no one in; it still serves what reads no account, so
        // the other services' own calls (their service tokens, the key set) go on.
        builder.Services.AddSingleton(new UngatedMethod($"/{IdentityGrpc.Descriptor.FullName}/{nameof(IdentityGrpc.IdentityServiceBase.IssueServiceToken)}"));
        builder.Services.AddSingleton(new UngatedMethod($"/{IdentityGrpc.Descriptor.FullName}/{nameof(IdentityGrpc.IdentityServiceBase.GetJwks)}"));
        builder.Services.AddRequestValidators(typeof(IdentityServiceExtensions).Assembly);

        var options = (builder.Configuration.GetSection(IdentityOptions.Section).Get<IdentityOptions>() ?? new IdentityOptions()).Validate();
        builder.Services.AddSingleton(options);
        builder.Services.AddStore<IAccountStore, LiteDbAccountStore, MongoAccountStore>();
        builder.Services.AddStore<ISessionStore, LiteDbSessionStore, MongoSessionStore>();
        builder.Services.AddStore<ISigningKeyStore, LiteDbSigningKeyStore, MongoSigningKeyStore>();
        builder.Services.AddSingleton<IPasswordHasher<Account>, Argon2idPasswordHasher>();
        builder.Services.AddSingleton<AccountRegistry>();
        builder.Services.AddSingleton<AccountLifecycle>();
        builder.Services.AddSingleton<SessionService>();
        builder.Services.AddSingleton<AccessTokenIssuer>();
        builder.Services.AddSingleton<SignInThrottle>();
        builder.Services.AddSingleton<ServiceCredentials>();
        builder.Services.AddSingleton<KeyRing>();
        // Identity validates its own tokens against its key ring, not over HTTP.
        builder.Services.Replace(ServiceDescriptor.Singleton<IConfigurationManager<OpenIdConnectConfiguration>>(provider => provider.GetRequiredService<KeyRing>()));
        // Identity refuses an ended session's access token on every call it serves (its own RPCs, the event
        // operations, anything added later), not only where a handler remembers to check.
        builder.Services.AddSingleton<ISessionCheck>(provider => provider.GetRequiredService<SessionService>());
        builder.Services.AddHostedService<BootstrapAdmin>();
        builder.Services.AddHostedService<KeyMaintenance>();
        builder.Services.AddHostedService<ExpiredTokenCleanup>();
        return builder;
    }

    public static WebApplication MapIdentityService(this WebApplication app)
    {
        app.MapServiceDefaults();
        app.MapEventOperations();
        app.MapErasureParticipant();
        app.MapGrpcService<IdentityGrpcService>();
        app.MapGet(JwksConfigurationManager.JwksPath, async (KeyRing keys, CancellationToken cancellationToken) =>
            Results.Text(await keys.GetJwksJsonAsync(cancellationToken), "application/json"));
        return app;
    }
}
