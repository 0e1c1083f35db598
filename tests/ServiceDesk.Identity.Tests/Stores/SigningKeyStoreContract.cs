using System.Security.Cryptography;
using LiteDB;
using MongoDB.Driver;
using ServiceDesk.Hosting.KeyProtection;
using ServiceDesk.Identity.Keys;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Identity.Tests.Stores;

/// <summary>What every <see cref="ISigningKeyStore"/> must do, run against each backend.</summary>
public abstract class SigningKeyStoreContract
{
    private static readonly DateTime Now = new(2026, 7, 8, 9, 10, 11, 456, DateTimeKind.Utc);

    /// <summary>A store on this test's database (the same one on every call), wrapping under <paramref name="wrapper"/>.</summary>
    protected abstract ISigningKeyStore CreateStore(KeyWrapper wrapper);

    private ISigningKeyStore CreateStore() => CreateStore(TestKeyProtection.Wrapper);

    private static SigningKey NewKey(DateTime activatesAt, TimeSpan signsFor) => new()
    {
        Id = SigningKey.IdFor(activatesAt),
        PrivateKey = [1, 2, 3, 4, 250],
        CreatedAt = Now,
        ActivatesAt = activatesAt,
        RetiresAt = activatesAt + signsFor,
        WithdrawAt = activatesAt + signsFor + TimeSpan.FromMinutes(6),
    };

    [SkippableFact]
    public async Task Added_keys_are_listed_with_every_field()
    {
        var store = CreateStore();
        var current = NewKey(Now, TimeSpan.FromDays(30));
        var next = NewKey(current.RetiresAt, TimeSpan.FromDays(30));

        Assert.True(await store.TryAddAsync(current, default));
        Assert.True(await store.TryAddAsync(next, default));

        var keys = (await store.ListAsync(default)).OrderBy(k => k.ActivatesAt).ToList();
        Assert.Equal([current.Id, next.Id], keys.Select(k => k.Id));
        Assert.Equal(current.PrivateKey, keys[0].PrivateKey);
        Assert.Equal(current.CreatedAt, keys[0].CreatedAt);
        Assert.Equal(current.RetiresAt, keys[0].RetiresAt);
        Assert.Equal(current.WithdrawAt, keys[0].WithdrawAt);
        Assert.Equal(next.ActivatesAt, keys[1].ActivatesAt);
    }

    [SkippableFact]
    public async Task A_second_key_with_the_same_id_is_refused()
    {
        var store = CreateStore();
        var key = NewKey(Now, TimeSpan.FromDays(30));
        Assert.True(await store.TryAddAsync(key, default));

        Assert.False(await store.TryAddAsync(key with { PrivateKey = [9, 9] }, default));

        Assert.Equal([1, 2, 3, 4, 250], Assert.Single(await store.ListAsync(default)).PrivateKey);
    }

    [SkippableFact]
    public async Task Only_withdrawn_keys_are_deleted()
    {
        var store = CreateStore();
        var old = NewKey(Now.AddDays(-60), TimeSpan.FromDays(30));
        var current = NewKey(Now.AddDays(-30), TimeSpan.FromDays(30).Add(TimeSpan.FromHours(1)));
        Assert.True(await store.TryAddAsync(old, default));
        Assert.True(await store.TryAddAsync(current, default));

        Assert.Equal(1, await store.DeleteWithdrawnAsync(Now, default));
        Assert.Equal(0, await store.DeleteWithdrawnAsync(Now, default));

        Assert.Equal(current.Id, Assert.Single(await store.ListAsync(default)).Id);
    }

    [SkippableFact]
    public async Task A_store_under_another_key_encryption_key_cannot_unwrap_a_key()
    {
        Assert.True(await CreateStore().TryAddAsync(NewKey(Now, TimeSpan.FromDays(30)), default));

        await Assert.ThrowsAnyAsync<CryptographicException>(() => CreateStore(TestKeyProtection.WrapperOf(TestKeyProtection.NewKey())).ListAsync(default));
    }

    [SkippableFact]
    public async Task Keys_under_a_retired_key_encryption_key_are_rewrapped_under_the_current_one()
    {
        var oldKek = TestKeyProtection.NewKey();
        var newKek = TestKeyProtection.NewKey();
        var key = NewKey(Now, TimeSpan.FromDays(30));
        Assert.True(await CreateStore(TestKeyProtection.WrapperOf(oldKek)).TryAddAsync(key, default));

        Assert.Equal(key.PrivateKey, Assert.Single(await CreateStore(TestKeyProtection.WrapperOf(newKek, oldKek)).ListAsync(default)).PrivateKey);

        Assert.Equal(key.PrivateKey, Assert.Single(await CreateStore(TestKeyProtection.WrapperOf(newKek)).ListAsync(default)).PrivateKey);
    }
}

public sealed class LiteDbSigningKeyStoreTests : SigningKeyStoreContract
{
    private readonly LiteDatabase _database = StoreBackends.NewLiteDatabase();

    protected override ISigningKeyStore CreateStore(KeyWrapper wrapper) => new LiteDbSigningKeyStore(_database, wrapper);
}

public sealed class MongoSigningKeyStoreTests : SigningKeyStoreContract
{
    private readonly Lazy<IMongoDatabase> _database = new(() => StoreBackends.NewMongoDatabase(MongoSigningKeyStore.Indexes));

    protected override ISigningKeyStore CreateStore(KeyWrapper wrapper) => new MongoSigningKeyStore(_database.Value, wrapper);
}
