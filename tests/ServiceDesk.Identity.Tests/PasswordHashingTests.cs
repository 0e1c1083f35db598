using Grpc.Core;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Identity.Accounts;
using ServiceDesk.Testing;
using Xunit;
using static ServiceDesk.Testing.IdentityTestHost;
using Account = ServiceDesk.Identity.Accounts.Account;

namespace ServiceDesk.Identity.Tests;

[Collection(IdentityCollection.Name)]
public sealed class PasswordHashingTests(IdentityFixture fixture)
{
    [Fact]
    public void The_defaults_are_owasp_strength_argon2id()
    {
        var defaults = new PasswordHashingOptions();

        Assert.True(defaults.MemoryKib >= 19 * 1024);
        Assert.True(defaults.Iterations >= 2);
        var hash = new Argon2idPasswordHasher(new IdentityOptions()).HashPassword(null!, Password);
        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", hash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hash_with_older_parameters_keeps_verifying_and_is_upgraded_at_sign_in()
    {
        var data = TestDirectory.Create("identity-rehash");
        string login;
        string before;
        await using (var weak = await ServiceHost.StartAsync(ServiceApps.Identity, Settings(fixture.Redis, ("Identity:PasswordHashing:MemoryKib", "128")), data))
        {
            login = (await weak.NewSignedInAsync(Role.Customer, CustomerIds.Named("c-1"))).Account.Login;
            before = (await weak.Services.GetRequiredService<IAccountStore>().FindByLoginAsync(login, default))!.PasswordHash;
        }

        await using var stronger = await ServiceHost.StartAsync(ServiceApps.Identity, Settings(fixture.Redis, ("Identity:PasswordHashing:Iterations", "2")), data);
        await stronger.SignInAsync(login);

        var after = (await stronger.Services.GetRequiredService<IAccountStore>().FindByLoginAsync(login, default))!.PasswordHash;
        Assert.StartsWith("$argon2id$v=19$m=128,t=1,p=1$", before, StringComparison.Ordinal);
        Assert.StartsWith("$argon2id$v=19$m=256,t=2,p=1$", after, StringComparison.Ordinal);
        await stronger.SignInAsync(login);
        Assert.Equal(after, (await stronger.Services.GetRequiredService<IAccountStore>().FindByLoginAsync(login, default))!.PasswordHash);
    }

    [Fact]
    public async Task A_pbkdf2_hash_of_the_former_format_keeps_verifying_and_is_upgraded_at_sign_in()
    {
        var store = fixture.Identity.Services.GetRequiredService<IAccountStore>();
        var account = new Account
        {
            Id = Account.NewId(), Login = NewLogin("legacy"), Role = AccountRole.Customer, CustomerId = CustomerIds.Named("c-old"), PasswordHash = string.Empty, CreatedAt = DateTime.UtcNow,
        };
        account = account with { PasswordHash = new PasswordHasher<Account>().HashPassword(account, Password) };
        Assert.True(await store.TryAddAsync(account, default));

        Assert.Equal(StatusCode.Unauthenticated, await AccountLifecycleTests.StatusOf(fixture.Identity.SignInAsync(account.Login, "wrong password 123")));
        await fixture.Identity.SignInAsync(account.Login);

        Assert.StartsWith("$argon2id$", (await store.GetAsync(account.Id, default))!.PasswordHash, StringComparison.Ordinal);
        await fixture.Identity.SignInAsync(account.Login);
    }

    [Fact]
    public async Task Passwords_are_nfc_normalised_so_composed_and_decomposed_forms_are_one_password()
    {
        const string decomposed = "cafe\u0301 au lait, tre\u0300s chaud";
        const string composed = "caf\u00e9 au lait, tr\u00e8s chaud";
        var login = NewLogin();
        await fixture.Identity.Client().CreateAccountAsync(
            new CreateAccountRequest { Login = login, Password = decomposed, Role = Role.Customer, CustomerId = CustomerIds.Named("c-nfc") }, Bearer(fixture.TokenOf(Who.Admin)));

        await fixture.Identity.SignInAsync(login, composed);
        await fixture.Identity.SignInAsync(login, decomposed);
    }
}
