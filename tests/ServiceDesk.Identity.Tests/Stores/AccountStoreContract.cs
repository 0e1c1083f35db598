using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Identity.Accounts;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Identity.Tests.Stores;

/// <summary>What every <see cref="IAccountStore"/> must do, run against each backend.</summary>
public abstract class AccountStoreContract
{
    protected IAccountStore CreateStore() => CreateStores().Accounts;

    /// <summary>The account store over a fresh database, with the erasure ledger of that database it checks customers' accounts against.</summary>
    protected abstract (IAccountStore Accounts, IErasureLedger Ledger) CreateStores();

    private static Account NewAccount(string login, AccountRole role = AccountRole.Customer) => new()
    {
        Id = Account.NewId(),
        Login = login,
        Role = role,
        ProjectKeys = role == AccountRole.Agent ? ["HELP", "OPS"] : [],
        CustomerId = role == AccountRole.Customer ? "c-42" : null,
        PasswordHash = "hash-1",
        CreatedAt = new DateTime(2026, 3, 4, 5, 6, 7, 890, DateTimeKind.Utc),
    };

    [SkippableFact]
    public async Task An_added_account_is_found_by_id_and_by_login_with_every_field()
    {
        var store = CreateStore();
        var agent = NewAccount("agent@example.com", AccountRole.Agent);
        var customer = NewAccount("customer@example.com");

        Assert.True(await store.TryAddAsync(agent, default));
        Assert.True(await store.TryAddAsync(customer, default));

        var byId = await store.GetAsync(agent.Id, default);
        Assert.NotNull(byId);
        Assert.Equal(agent.Login, byId.Login);
        Assert.Equal(AccountRole.Agent, byId.Role);
        Assert.Equal(["HELP", "OPS"], byId.ProjectKeys);
        Assert.Null(byId.CustomerId);
        Assert.Equal("hash-1", byId.PasswordHash);
        Assert.Equal(agent.CreatedAt, byId.CreatedAt);
        Assert.Equal(DateTimeKind.Utc, byId.CreatedAt.Kind);
        var byLogin = await store.FindByLoginAsync("customer@example.com", default);
        Assert.Equal(customer.Id, byLogin?.Id);
        Assert.Equal("c-42", byLogin?.CustomerId);
        Assert.Equal(AccountRole.Customer, byLogin?.Role);
    }

    [SkippableFact]
    public async Task A_customers_accounts_are_listed_by_customer_id()
    {
        var store = CreateStore();
        var first = NewAccount("first@example.com");
        var second = NewAccount("second@example.com");
        var otherCustomer = NewAccount("other@example.com") with { CustomerId = "c-7" };
        var agent = NewAccount("agent@example.com", AccountRole.Agent);
        foreach (var account in new[] { first, second, otherCustomer, agent })
        {
            Assert.True(await store.TryAddAsync(account, default));
        }

        Assert.Equal(new[] { first.Id, second.Id }.Order(), (await store.ListByCustomerAsync("c-42", default)).Select(a => a.Id).Order());
        Assert.Equal([otherCustomer.Id], (await store.ListByCustomerAsync("c-7", default)).Select(a => a.Id));
        Assert.Empty(await store.ListByCustomerAsync("c-unknown", default));
    }

    [SkippableFact]
    public async Task A_taken_login_is_refused_and_nothing_is_written()
    {
        var store = CreateStore();
        var first = NewAccount("taken@example.com");
        var second = NewAccount("taken@example.com", AccountRole.Admin);
        Assert.True(await store.TryAddAsync(first, default));

        Assert.False(await store.TryAddAsync(second, default));

        Assert.Null(await store.GetAsync(second.Id, default));
        Assert.Equal(first.Id, (await store.FindByLoginAsync("taken@example.com", default))?.Id);
        Assert.False(await store.AnyWithRoleAsync(AccountRole.Admin, default));
    }

    [SkippableFact]
    public async Task Unknown_ids_and_logins_are_not_found()
    {
        var store = CreateStore();
        Assert.True(await store.TryAddAsync(NewAccount("someone@example.com"), default));

        Assert.Null(await store.GetAsync("missing", default));
        Assert.Null(await store.FindByLoginAsync("nobody@example.com", default));
    }

    [SkippableFact]
    public async Task Any_with_role_tells_whether_an_account_of_that_role_exists()
    {
        var store = CreateStore();
        Assert.False(await store.AnyWithRoleAsync(AccountRole.Admin, default));
        Assert.True(await store.TryAddAsync(NewAccount("agent@example.com", AccountRole.Agent), default));
        Assert.False(await store.AnyWithRoleAsync(AccountRole.Admin, default));

        Assert.True(await store.TryAddAsync(NewAccount("admin@example.com", AccountRole.Admin), default));

        Assert.True(await store.AnyWithRoleAsync(AccountRole.Admin, default));
        Assert.True(await store.AnyWithRoleAsync(AccountRole.Agent, default));
        Assert.False(await store.AnyWithRoleAsync(AccountRole.Customer, default));
    }

    [SkippableFact]
    public async Task Setting_the_password_hash_changes_only_the_hash()
    {
        var store = CreateStore();
        var account = NewAccount("rehash@example.com", AccountRole.Agent);
        Assert.True(await store.TryAddAsync(account, default));

        Assert.True(await store.SetPasswordHashAsync(account.Id, "hash-2", default));
        Assert.False(await store.SetPasswordHashAsync("missing", "hash-3", default));

        var stored = await store.GetAsync(account.Id, default);
        Assert.Equal("hash-2", stored?.PasswordHash);
        Assert.Equal(account.Login, stored?.Login);
        Assert.Equal(["HELP", "OPS"], stored!.ProjectKeys);
    }

    /// <summary>A sign-in's rehash of the password it verified never undoes a new password set while it verified.</summary>
    [SkippableFact]
    public async Task A_rehash_replaces_only_the_hash_it_verified()
    {
        var store = CreateStore();
        var account = NewAccount("rehash-race@example.com", AccountRole.Agent);
        Assert.True(await store.TryAddAsync(account, default));

        Assert.True(await store.SetPasswordHashAsync(account.Id, "hash-of-a-new-password", default));
        Assert.False(await store.RehashPasswordAsync(account.Id, "hash-1", "rehash-of-the-old-password", default));
        Assert.Equal("hash-of-a-new-password", (await store.GetAsync(account.Id, default))!.PasswordHash);

        Assert.True(await store.RehashPasswordAsync(account.Id, "hash-of-a-new-password", "rehash-of-the-new-password", default));
        Assert.Equal("rehash-of-the-new-password", (await store.GetAsync(account.Id, default))!.PasswordHash);
        Assert.False(await store.RehashPasswordAsync("missing", "hash-1", "rehash", default));
    }

    [SkippableFact]
    public async Task Disabling_enabling_and_deleting_change_only_that_account()
    {
        var store = CreateStore();
        var account = NewAccount("lifecycle@example.com");
        var other = NewAccount("other@example.com");
        Assert.True(await store.TryAddAsync(account, default));
        Assert.True(await store.TryAddAsync(other, default));
        Assert.False((await store.GetAsync(account.Id, default))!.Disabled);

        Assert.True(await store.SetDisabledAsync(account.Id, true, default));
        Assert.False(await store.SetDisabledAsync("missing", true, default));
        Assert.True((await store.GetAsync(account.Id, default))!.Disabled);
        Assert.Equal("hash-1", (await store.GetAsync(account.Id, default))!.PasswordHash);
        Assert.False((await store.GetAsync(other.Id, default))!.Disabled);
        Assert.True(await store.SetDisabledAsync(account.Id, false, default));
        Assert.False((await store.GetAsync(account.Id, default))!.Disabled);

        Assert.True(await store.DeleteAsync(account.Id, default));
        Assert.False(await store.DeleteAsync(account.Id, default));
        Assert.Null(await store.GetAsync(account.Id, default));
        Assert.Null(await store.FindByLoginAsync("lifecycle@example.com", default));
        Assert.NotNull(await store.GetAsync(other.Id, default));
        Assert.True(await store.TryAddAsync(NewAccount("lifecycle@example.com"), default));
    }

    [SkippableFact]
    public async Task A_removed_customer_s_account_is_refused_and_nothing_is_written()
    {
        var (store, ledger) = CreateStores();
        await ledger.StartAsync(Removal("c-42"), default);

        Assert.Equal("c-42", (await Assert.ThrowsAsync<CustomerErasedException>(() => store.TryAddAsync(NewAccount("removed@example.com"), default))).CustomerId);

        Assert.Null(await store.FindByLoginAsync("removed@example.com", default));
        Assert.True(await store.TryAddAsync(NewAccount("agent@example.com", AccountRole.Agent), default));
    }

    /// <summary>
    /// An admin enabling the account while the customer's removal runs (it disables the account before deleting its
    /// sessions): a sign-in in between would have kept a session past the removal.
    /// </summary>
    [SkippableFact]
    public async Task A_removed_customer_s_account_is_not_enabled_again_and_others_are()
    {
        var (store, ledger) = CreateStores();
        var removed = NewAccount("removed@example.com");
        var other = NewAccount("other@example.com") with { CustomerId = "c-7" };
        var agent = NewAccount("agent@example.com", AccountRole.Agent);
        foreach (var account in new[] { removed, other, agent })
        {
            Assert.True(await store.TryAddAsync(account, default));
            Assert.True(await store.SetDisabledAsync(account.Id, true, default));
        }

        await ledger.StartAsync(Removal("c-42"), default);

        Assert.Equal("c-42", (await Assert.ThrowsAsync<CustomerErasedException>(() => store.SetDisabledAsync(removed.Id, false, default))).CustomerId);
        Assert.True((await store.GetAsync(removed.Id, default))!.Disabled);
        Assert.True(await store.SetDisabledAsync(removed.Id, true, default));
        Assert.True(await store.SetDisabledAsync(other.Id, false, default));
        Assert.True(await store.SetDisabledAsync(agent.Id, false, default));
        Assert.False((await store.GetAsync(other.Id, default))!.Disabled);
        Assert.False((await store.GetAsync(agent.Id, default))!.Disabled);
        Assert.False(await store.SetDisabledAsync("no-such-account", false, default));
    }

    /// <summary>
    /// A customer's account written as their removal is recorded, released together: it is refused, or the erasure's
    /// read after <see cref="IAccountStore.WaitForWritesAsync"/> finds it. Checked before the insert only, one written
    /// unseen outlived the removal, their old address as its login.
    /// </summary>
    [SkippableFact]
    public async Task A_customer_s_account_written_as_their_removal_is_recorded_is_refused_or_found_by_the_erasure()
    {
        var (store, ledger) = CreateStores();
        for (var round = 0; round < 100; round++)
        {
            var account = NewAccount($"round-{round}@example.com") with { CustomerId = $"c-{round}" };
            using var start = new Barrier(2);
            var adding = Task.Run(async () =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                // Staggered by up to about half a millisecond, so some writes begin only as the erasure waits or reads.
                Thread.SpinWait(round % 10 * 2_000);
                try
                {
                    return await store.TryAddAsync(account, default);
                }
                catch (CustomerErasedException)
                {
                    return false;
                }
            });
            var erasing = Task.Run(async () =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                await ledger.StartAsync(Removal(account.CustomerId!), default);
                await store.WaitForWritesAsync(default);
                return await store.ListByCustomerAsync(account.CustomerId!, default);
            });
            var (added, found) = (await adding, await erasing);

            Assert.True(
                added ? found.Count == 1 : found.Count == 0 && await store.GetAsync(account.Id, default) is null,
                $"round {round}: added {added}, the erasure found {found.Count}");
        }
    }

    private static ErasureRecord Removal(string customerId) =>
        new($"request-{customerId}", customerId, $"hash-{customerId}", ErasureMode.Anonymize, ErasureState.Started, new Dictionary<string, long>(), DateTimeOffset.UnixEpoch);
}

public sealed class LiteDbAccountStoreTests : AccountStoreContract
{
    protected override (IAccountStore Accounts, IErasureLedger Ledger) CreateStores()
    {
        var database = StoreBackends.NewLiteDatabase();
        var ledger = new LiteDbErasureLedger(database, new LiteDbOutboxStore(database));
        return (new LiteDbAccountStore(database, ledger), ledger);
    }
}

public sealed class MongoAccountStoreTests : AccountStoreContract
{
    protected override (IAccountStore Accounts, IErasureLedger Ledger) CreateStores()
    {
        var database = StoreBackends.NewMongoDatabase(MongoAccountStore.Indexes, MongoErasureLedger.Indexes);
        var ledger = new MongoErasureLedger(database, new MongoOutboxStore(database));
        return (new MongoAccountStore(database, ledger), ledger);
    }
}
