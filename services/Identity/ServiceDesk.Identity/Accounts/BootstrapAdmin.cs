using ServiceDesk.Hosting.Startup;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Identity.Accounts;

/// <summary>
/// Creates the first admin from <c>Identity:BootstrapAdmin</c>, only while no admin exists; later starts leave
/// accounts alone whatever the configuration says. Without that setting no admin is created: there is no default
/// login or password. A malformed setting stops the start; an unreachable store does not (see <see cref="StartupStep"/>).
/// </summary>
public sealed partial class BootstrapAdmin(
    IdentityOptions options, IAccountStore accounts, AccountRegistry registry, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<BootstrapAdmin> logger)
    : StartupStep(lifetime, time, logger)
{
    private bool Configured => !string.IsNullOrWhiteSpace(options.BootstrapAdmin.Login) || !string.IsNullOrEmpty(options.BootstrapAdmin.Password);

    protected override void Validate()
    {
        if (Configured && (!EmailAddress.TryParse(options.BootstrapAdmin.Login, out _)
            || options.BootstrapAdmin.Password is not { Length: >= PasswordRules.MinLength and <= PasswordRules.MaxLength }))
        {
            throw new InvalidOperationException(
                $"{IdentityOptions.Section}:BootstrapAdmin needs Login (an e-mail address) and Password ({PasswordRules.MinLength} to {PasswordRules.MaxLength} characters).");
        }
    }

    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!Configured || await accounts.AnyWithRoleAsync(AccountRole.Admin, cancellationToken))
        {
            return;
        }

        var admin = await registry.CreateAsync(
            new NewAccount(options.BootstrapAdmin.Login!, options.BootstrapAdmin.Password!, AccountRole.Admin, [], null), cancellationToken);
        LogBootstrapped(admin.Id);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created the first admin {AccountId} from configuration; remove Identity:BootstrapAdmin:Password from it now")]
    private partial void LogBootstrapped(string accountId);
}
