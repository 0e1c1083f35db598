using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Identity.Accounts;
using ServiceDesk.Testing;
using Xunit;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Identity.Tests;

[Collection(IdentityCollection.Name)]
public sealed class BootstrapAdminTests(IdentityFixture fixture)
{
    [Fact]
    public async Task Without_configuration_no_admin_exists_and_no_default_credentials_sign_in()
    {
        await using var identity = await ServiceHost.StartAsync(ServiceApps.Identity, new Dictionary<string, string?> { ["Redis:Configuration"] = fixture.Redis });

        Assert.False(await identity.Services.GetRequiredService<IAccountStore>().AnyWithRoleAsync(AccountRole.Admin, default));
        foreach (var (login, password) in new[] { ("admin@example.com", "admin"), ("admin@localhost.localdomain", "password1234"), (AdminLogin, Password) })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => identity.SignInAsync(login, password));
            Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        }
    }

    [Fact]
    public async Task The_first_admin_comes_from_configuration_on_first_start_only()
    {
        var data = TestDirectory.Create("identity-bootstrap");
        await using (var first = await ServiceHost.StartAsync(ServiceApps.Identity, Settings(fixture.Redis), data))
        {
            var admin = await first.SignInAsync(AdminLogin);
            Assert.Equal(Contracts.Identity.V1.Role.Admin, admin.Account.Role);
            Assert.DoesNotContain(Password, first.Logs.All, StringComparison.Ordinal);
            Assert.DoesNotContain(AdminLogin, first.Logs.All, StringComparison.Ordinal);
        }

        const string otherPassword = "another password entirely";
        await using var second = await ServiceHost.StartAsync(
            ServiceApps.Identity, Settings(fixture.Redis, ("Identity:BootstrapAdmin:Password", otherPassword)), data);

        await second.SignInAsync(AdminLogin);
        var error = await Assert.ThrowsAsync<RpcException>(() => second.SignInAsync(AdminLogin, otherPassword));
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task A_bootstrap_admin_with_a_weak_password_stops_the_start_with_the_setting_named()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ServiceHost.StartAsync(ServiceApps.Identity, Settings(fixture.Redis, ("Identity:BootstrapAdmin:Password", "short"))));

        Assert.Contains("Identity:BootstrapAdmin", error.Message, StringComparison.Ordinal);
    }
    [Fact]
    public async Task With_no_admin_configured_a_local_run_generates_one_keeps_it_in_an_owner_only_file_and_reuses_it()
    {
        var data = TestDirectory.Create("identity-generated-admin");
        var file = Path.Combine(data, "initial-admin.txt");
        var settings = new Dictionary<string, string?> { ["Redis:Configuration"] = fixture.Redis, ["Identity:BootstrapAdmin:GeneratedCredentialsFile"] = file };
        string password;
        await using (var first = await ServiceHost.StartAsync(ServiceApps.Identity, settings, data))
        {
            await Eventually.WaitForAsync(() => File.Exists(file), "the generated credentials file");
            var lines = (await File.ReadAllLinesAsync(file)).ToDictionary(line => line.Split('=', 2)[0], line => line.Split('=', 2)[1]);
            password = lines["password"];
            await Eventually.WaitForAsync(
                async () => await RpcAssert.StatusOfAsync(() => first.SignInAsync(BootstrapAdmin.GeneratedLogin, password)), status => status == StatusCode.OK, "the generated admin");
            Assert.Equal(BootstrapAdmin.GeneratedLogin, lines["login"]);
            Assert.True(password.Length >= 20);
            Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(file) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), "the file is readable by others");
            Assert.DoesNotContain(password, first.Logs.All, StringComparison.Ordinal);
        }

        await using var second = await ServiceHost.StartAsync(ServiceApps.Identity, settings, data);

        Assert.Equal(password, (await File.ReadAllLinesAsync(file)).Single(line => line.StartsWith("password=", StringComparison.Ordinal))["password=".Length..]);
        await second.SignInAsync(BootstrapAdmin.GeneratedLogin, password);
    }

    [Fact]
    public async Task Configured_credentials_win_over_generating_one()
    {
        var data = TestDirectory.Create("identity-configured-admin");
        var file = Path.Combine(data, "initial-admin.txt");

        await using var identity = await ServiceHost.StartAsync(
            ServiceApps.Identity, Settings(fixture.Redis, ("Identity:BootstrapAdmin:GeneratedCredentialsFile", file)), data);

        await identity.SignInAsync(AdminLogin);
        Assert.False(File.Exists(file));
    }
}
