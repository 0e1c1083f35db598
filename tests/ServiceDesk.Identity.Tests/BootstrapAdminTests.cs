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
}
