using ServiceDesk.Directory.Keys;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Messaging.Tests;

public abstract class CustomerKeyStoreContract
{
    protected abstract ICustomerKeyStore CreateStore();

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
}

public sealed class LiteDbCustomerKeyStoreTests : CustomerKeyStoreContract
{
    protected override ICustomerKeyStore CreateStore() => new LiteDbCustomerKeyStore(StoreBackends.NewLiteDatabase(), TimeProvider.System);
}

public sealed class MongoCustomerKeyStoreTests : CustomerKeyStoreContract
{
    protected override ICustomerKeyStore CreateStore() => new MongoCustomerKeyStore(StoreBackends.NewMongoDatabase(MongoCustomerKeyStore.Indexes), TimeProvider.System);
}
