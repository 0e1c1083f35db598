using System.Security.Cryptography;
using LiteDB;
using MongoDB.Driver;
using ServiceDesk.Directory.Keys;
using ServiceDesk.Hosting.KeyProtection;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Messaging.Tests;

public abstract class CustomerKeyStoreContract
{
    /// <summary>A store on this test's database (the same one on every call), wrapping under <paramref name="wrapper"/>.</summary>
    protected abstract ICustomerKeyStore CreateStore(KeyWrapper wrapper);

    private ICustomerKeyStore CreateStore() => CreateStore(TestKeyProtection.Wrapper);

    [SkippableFact]
    public async Task A_customer_has_one_key_until_it_is_destroyed_for_good()
    {
        var store = CreateStore();
        var first = await store.GetOrCreateForCustomerAsync("c-1", CancellationToken.None);
        var again = await store.GetOrCreateForCustomerAsync("c-1", CancellationToken.None);
        var other = await store.GetOrCreateForCustomerAsync("c-2", CancellationToken.None);

        Assert.Equal(first, again);
        Assert.Equal(32, first.Key.Length);
        Assert.NotEqual(first.KeyId, other.KeyId);
        Assert.Equal(first.Key.ToByteArray(), (await store.FindAsync(first.KeyId, CancellationToken.None))!.Key);

        Assert.True(await store.DestroyForCustomerAsync("c-1", CancellationToken.None));
        Assert.False(await store.DestroyForCustomerAsync("c-1", CancellationToken.None));

        var destroyed = await store.FindAsync(first.KeyId, CancellationToken.None);
        Assert.NotNull(destroyed!.Destroyed);
        Assert.Empty(destroyed.Key);
        await Assert.ThrowsAsync<CustomerKeyDestroyedException>(() => store.GetOrCreateForCustomerAsync("c-1", CancellationToken.None));
        Assert.Null(await store.FindAsync("no-such-key", CancellationToken.None));
        Assert.NotEmpty((await store.FindAsync(other.KeyId, CancellationToken.None))!.Key);
    }

    /// <summary>A customer stored without a key (seeded into the store) and then removed: a first use after the removal gets no live key.</summary>
    [SkippableFact]
    public async Task A_customer_without_a_key_gets_none_after_destruction()
    {
        var store = CreateStore();

        Assert.False(await store.DestroyForCustomerAsync("c-keyless", CancellationToken.None));
        Assert.False(await store.DestroyForCustomerAsync("c-keyless", CancellationToken.None));

        await Assert.ThrowsAsync<CustomerKeyDestroyedException>(() => store.GetOrCreateForCustomerAsync("c-keyless", CancellationToken.None));
        Assert.Equal(0, await store.RewrapAsync(CancellationToken.None));
        Assert.Equal(32, (await store.GetOrCreateForCustomerAsync("c-other", CancellationToken.None)).Key.Length);
    }

    [SkippableFact]
    public async Task A_store_under_another_key_encryption_key_cannot_unwrap_a_key()
    {
        var key = await CreateStore().GetOrCreateForCustomerAsync("c-1", CancellationToken.None);
        var stranger = CreateStore(TestKeyProtection.WrapperOf(TestKeyProtection.NewKey()));

        await Assert.ThrowsAnyAsync<CryptographicException>(() => stranger.FindAsync(key.KeyId, CancellationToken.None));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => stranger.GetOrCreateForCustomerAsync("c-1", CancellationToken.None));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => stranger.RewrapAsync(CancellationToken.None));
    }

    [SkippableFact]
    public async Task Keys_under_a_retired_key_encryption_key_are_rewrapped_under_the_current_one()
    {
        var oldKek = TestKeyProtection.NewKey();
        var newKek = TestKeyProtection.NewKey();
        var before = CreateStore(TestKeyProtection.WrapperOf(oldKek));
        var read = await before.GetOrCreateForCustomerAsync("c-read", CancellationToken.None);
        var unread = await before.GetOrCreateForCustomerAsync("c-unread", CancellationToken.None);
        await before.GetOrCreateForCustomerAsync("c-destroyed", CancellationToken.None);
        await before.DestroyForCustomerAsync("c-destroyed", CancellationToken.None);

        var rotated = CreateStore(TestKeyProtection.WrapperOf(newKek, oldKek));
        Assert.Equal(read.Key.ToByteArray(), (await rotated.FindAsync(read.KeyId, CancellationToken.None))!.Key);
        Assert.Equal(1, await rotated.RewrapAsync(CancellationToken.None));
        Assert.Equal(0, await rotated.RewrapAsync(CancellationToken.None));

        var oldDropped = CreateStore(TestKeyProtection.WrapperOf(newKek));
        Assert.Equal(read, await oldDropped.GetOrCreateForCustomerAsync("c-read", CancellationToken.None));
        Assert.Equal(unread, await oldDropped.GetOrCreateForCustomerAsync("c-unread", CancellationToken.None));
    }

    /// <summary>
    /// A read of a key under a retired KEK writes it back wrapped under the current one. A removal destroying the key
    /// between that read and that write must not be undone by it: writing back the copy read would bring the key back.
    /// </summary>
    [SkippableFact]
    public async Task A_key_destroyed_while_it_is_rewrapped_stays_destroyed()
    {
        var oldKek = TestKeyProtection.NewKey();
        var before = CreateStore(TestKeyProtection.WrapperOf(oldKek));
        var rotated = CreateStore(TestKeyProtection.WrapperOf(TestKeyProtection.NewKey(), oldKek));

        for (var round = 0; round < 100; round++)
        {
            var customer = $"c-{round}";
            var key = await before.GetOrCreateForCustomerAsync(customer, CancellationToken.None);
            using var start = new Barrier(2);
            var rewrap = Task.Run(async () =>
            {
                start.SignalAndWait();
                await rotated.FindAsync(key.KeyId, CancellationToken.None);
            });
            var destroy = Task.Run(async () =>
            {
                start.SignalAndWait();
                await rotated.DestroyForCustomerAsync(customer, CancellationToken.None);
            });
            await Task.WhenAll(rewrap, destroy);

            var stored = await rotated.FindAsync(key.KeyId, CancellationToken.None);
            Assert.True(stored is { Destroyed: not null, Key.Length: 0 }, $"round {round}: the destroyed key is live again");
        }
    }
}

public sealed class LiteDbCustomerKeyStoreTests : CustomerKeyStoreContract
{
    private readonly LiteDatabase _database = StoreBackends.NewLiteDatabase();

    protected override ICustomerKeyStore CreateStore(KeyWrapper wrapper) => new LiteDbCustomerKeyStore(_database, wrapper, TimeProvider.System);
}

public sealed class MongoCustomerKeyStoreTests : CustomerKeyStoreContract
{
    private readonly Lazy<IMongoDatabase> _database = new(() => StoreBackends.NewMongoDatabase(MongoCustomerKeyStore.Indexes));

    protected override ICustomerKeyStore CreateStore(KeyWrapper wrapper) => new MongoCustomerKeyStore(_database.Value, wrapper, TimeProvider.System);
}
