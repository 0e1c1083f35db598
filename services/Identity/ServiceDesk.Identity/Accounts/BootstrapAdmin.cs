using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Identity.Accounts;

/// <summary>
/// Creates the first admin from <c>Identity:BootstrapAdmin</c> before the service accepts calls, only while no
/// admin exists; later starts leave accounts alone whatever the configuration says. Without that setting no
/// admin is created: there is no default login or password.
/// </summary>
public sealed partial class BootstrapAdmin(
    IdentityOptions options, IAccountStore accounts, AccountRegistry registry, ILogger<BootstrapAdmin> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var (login, password) = (options.BootstrapAdmin.Login, options.BootstrapAdmin.Password);
        if (string.IsNullOrWhiteSpace(login) && string.IsNullOrEmpty(password))
        {
            return;
        }

        if (!EmailAddress.TryParse(login, out _) || password is not { Length: >= PasswordRules.MinLength and <= PasswordRules.MaxLength })
        {
            throw new InvalidOperationException(
                $"{IdentityOptions.Section}:BootstrapAdmin needs Login (an e-mail address) and Password ({PasswordRules.MinLength} to {PasswordRules.MaxLength} characters).");
        }

        if (await accounts.AnyWithRoleAsync(AccountRole.Admin, cancellationToken))
        {
            return;
        }

        var admin = await registry.CreateAsync(new NewAccount(login!, password, AccountRole.Admin, [], null), cancellationToken);
        LogBootstrapped(admin.Id);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created the first admin {AccountId} from configuration; remove Identity:BootstrapAdmin:Password from it now")]
    private partial void LogBootstrapped(string accountId);
}
