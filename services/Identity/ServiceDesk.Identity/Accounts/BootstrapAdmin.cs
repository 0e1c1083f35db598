using System.Buffers.Text;
using System.Security.Cryptography;
using ServiceDesk.Hosting.Startup;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Identity.Accounts;

/// <summary>
/// Creates the first admin, only while no admin exists; later starts leave accounts alone whatever the
/// configuration says. The admin comes from <c>Identity:BootstrapAdmin</c> Login and Password; without them, and
/// only where <c>GeneratedCredentialsFile</c> is set (the local run), from that file, generated with a random
/// password on the first start (as Jenkins and Argo CD do with their initial admin secret). Otherwise no admin is
/// created: there is no default login or password. A malformed setting stops the start; an unreachable store does
/// not (see <see cref="StartupStep"/>).
/// </summary>
public sealed partial class BootstrapAdmin(
    IdentityOptions options, IAccountStore accounts, AccountRegistry registry, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<BootstrapAdmin> logger)
    : StartupStep(lifetime, time, logger)
{
    /// <summary>The login of a generated first admin.</summary>
    public const string GeneratedLogin = "admin@servicedesk.local";

    private bool Configured => !string.IsNullOrWhiteSpace(options.BootstrapAdmin.Login) || !string.IsNullOrEmpty(options.BootstrapAdmin.Password);

    private string? CredentialsFile => string.IsNullOrWhiteSpace(options.BootstrapAdmin.GeneratedCredentialsFile) ? null : options.BootstrapAdmin.GeneratedCredentialsFile;

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
        if ((!Configured && CredentialsFile is null) || await accounts.AnyWithRoleAsync(AccountRole.Admin, cancellationToken))
        {
            return;
        }

        var (login, password) = Configured
            ? (options.BootstrapAdmin.Login!, options.BootstrapAdmin.Password!)
            : await GeneratedCredentialsAsync(CredentialsFile!, cancellationToken);
        var admin = await registry.CreateAsync(new NewAccount(login, password, AccountRole.Admin, [], null), cancellationToken);
        if (Configured)
        {
            LogBootstrapped(admin.Id);
        }
        else
        {
            LogGenerated(admin.Id, CredentialsFile!);
        }
    }

    /// <summary>The file's login and password; a new random password in a new file (mode 0600) when there is none.</summary>
    private static async Task<(string Login, string Password)> GeneratedCredentialsAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            var password = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18));
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await using var file = new FileStream(path, create);
            await using var writer = new StreamWriter(file);
            await writer.WriteAsync($"login={GeneratedLogin}\npassword={password}\n".AsMemory(), cancellationToken);
        }

        var values = (await File.ReadAllLinesAsync(path, cancellationToken))
            .Select(line => line.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0].Trim(), pair => pair[1].Trim());
        return values.TryGetValue("login", out var login) && values.TryGetValue("password", out var stored)
            ? (login, stored)
            : throw new InvalidOperationException($"{path} must hold the lines login=... and password=... of the first admin; delete it to generate new ones.");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created the first admin {AccountId} from configuration; remove Identity:BootstrapAdmin:Password from it now")]
    private partial void LogBootstrapped(string accountId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created the first admin {AccountId} with a generated password, kept in {CredentialsFile} (readable by its owner only); change the password and delete the file")]
    private partial void LogGenerated(string accountId, string credentialsFile);
}
