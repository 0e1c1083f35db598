using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Hosting;

namespace ServiceDesk.Testing;

/// <summary>Starting Identity (and hosts that trust it) for tests, and calling it as someone.</summary>
public static class IdentityTestHost
{
    public const string Password = "correct horse battery staple";
    public const string AdminLogin = "admin@servicedesk.test";
    public const string TicketingSecret = "ticketing-secret-for-tests-only-0123456789";
    public const string NotificationSecret = "notification-secret-for-tests-only-987654";

    /// <summary>The secret each service identity has in tests; Identity knows every one of them.</summary>
    public static string ServiceSecret(string service) => service switch
    {
        ServiceNames.Ticketing => TicketingSecret,
        ServiceNames.Notification => NotificationSecret,
        _ => $"{service}-secret-for-tests-only-0123456789abcdef",
    };

    public static string Sha256Hex(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Identity with a bootstrap admin, the ticketing service credential and per-source and per-account limits tests from one address never reach.</summary>
    public static Dictionary<string, string?> Settings(string redis, params (string Key, string? Value)[] overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = redis,
            ["Identity:BootstrapAdmin:Login"] = AdminLogin,
            ["Identity:BootstrapAdmin:Password"] = Password,
            ["Identity:Throttling:MaxFailuresPerSource"] = "100000",
            ["Identity:Throttling:MaxFailuresPerAccount"] = "100000",
        };
        foreach (var service in ServiceNames.Backends.Append(ServiceNames.Gateway).Append(ServiceNames.MailIntake))
        {
            settings[$"Identity:ServiceCredentials:{service}"] = Sha256Hex(ServiceSecret(service));
        }

        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return settings;
    }

    public static Task<ServiceHost> StartAsync(string redis, params (string Key, string? Value)[] overrides) =>
        ServiceHost.StartAsync(ServiceApps.Identity, Settings(redis, overrides));

    public static IdentityService.IdentityServiceClient Client(this ServiceHost host) => new(host.Channel);

    public static Metadata Bearer(string? token) => token is null ? [] : new Metadata { { "authorization", $"Bearer {token}" } };

    public static string NewLogin(string purpose = "user") => $"{purpose}-{Guid.NewGuid():N}@example.com";

    public static Task<SignInResponse> SignInAsync(this ServiceHost identity, string login, string password = Password) =>
        identity.Client().SignInAsync(new SignInRequest { Login = login, Password = password }).ResponseAsync;

    public static async Task<string> ServiceTokenAsync(this ServiceHost identity, string service = ServiceNames.Ticketing, string? secret = null) =>
        (await identity.Client().IssueServiceTokenAsync(new IssueServiceTokenRequest { ServiceName = service, Secret = secret ?? ServiceSecret(service) })).AccessToken;

    public static async Task<string> AdminTokenAsync(this ServiceHost identity) => (await identity.SignInAsync(AdminLogin)).AccessToken;

    /// <summary>Creates an account as the admin and signs it in.</summary>
    public static async Task<SignInResponse> NewSignedInAsync(this ServiceHost identity, Role role, string? customerId = null, params string[] projects)
    {
        var login = NewLogin(role.ToString().ToLowerInvariant());
        await identity.Client().CreateAccountAsync(
            new CreateAccountRequest { Login = login, Password = Password, Role = role, CustomerId = customerId ?? string.Empty, ProjectKeys = { projects } },
            Bearer(await identity.AdminTokenAsync()));
        return await identity.SignInAsync(login);
    }
}
