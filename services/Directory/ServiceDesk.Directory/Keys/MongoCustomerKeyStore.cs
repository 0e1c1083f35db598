using System.Security.Cryptography;
using Google.Protobuf;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Hosting.KeyProtection;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Storage.MongoDb;

namespace ServiceDesk.Directory.Keys;

/// <summary>Customer keys in MongoDB: only wrapped key bytes are ever written, so the oplog and backups hold no usable key.</summary>
public sealed class MongoCustomerKeyStore(IMongoDatabase database, KeyWrapper wrapper, TimeProvider time) : ICustomerKeyStore, IMongoStore
{
    private const string CollectionName = "customer_keys";

    private readonly IMongoCollection<KeyDocument> _keys = database.GetCollection<KeyDocument>(CollectionName);
    private readonly MongoIndexes _indexes = new(database, Indexes);

    public static IReadOnlyList<MongoIndex> Indexes { get; } =
        [new(CollectionName, MongoIndex.KeysOf.Ascending(nameof(KeyDocument.CustomerId)), new CreateIndexOptions { Unique = true })];

    public async Task<CustomerKey> GetOrCreateForCustomerAsync(string customerId, CancellationToken cancellationToken)
    {
        await _indexes.EnsureCreatedAsync(cancellationToken);
        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now).ToString("N");
        // Upsert: concurrent first uses agree on one key.
        var document = await _keys.FindOneAndUpdateAsync<KeyDocument>(
            d => d.CustomerId == customerId,
            Builders<KeyDocument>.Update
                .SetOnInsert(d => d.Id, id)
                .SetOnInsert(d => d.Key, wrapper.Wrap(RandomNumberGenerator.GetBytes(32), CustomerKeyPurpose.Of(id)))
                .SetOnInsert(d => d.KekId, wrapper.CurrentKeyId)
                .SetOnInsert(d => d.CreatedAt, now.UtcDateTime),
            new FindOneAndUpdateOptions<KeyDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After },
            cancellationToken);
        return document.DestroyedAt is null
            ? new CustomerKey { KeyId = document.Id, CustomerId = customerId, Key = ByteString.CopyFrom(await OpenAsync(document, cancellationToken)) }
            : throw new CustomerKeyDestroyedException(document.Id);
    }

    public NewCustomerKey New(string customerId) => NewCustomerKey.Create(customerId, wrapper, time.GetUtcNow());

    /// <summary>Stores <paramref name="key"/> in the caller's transaction (the customer's insert).</summary>
    internal static Task InsertAsync(IMongoDatabase database, IClientSessionHandle session, NewCustomerKey key, CancellationToken cancellationToken) =>
        database.GetCollection<KeyDocument>(CollectionName).InsertOneAsync(
            session,
            new KeyDocument { Id = key.Key.KeyId, CustomerId = key.Key.CustomerId, Key = key.WrappedKey, KekId = key.KekId, CreatedAt = key.CreatedAt.UtcDateTime },
            cancellationToken: cancellationToken);

    public async Task<StoredCustomerKey?> FindAsync(string keyId, CancellationToken cancellationToken)
    {
        var document = await _keys.Find(d => d.Id == keyId).FirstOrDefaultAsync(cancellationToken);
        return document is null
            ? null
            : new StoredCustomerKey(document.Id, document.CustomerId, document.DestroyedAt is null ? await OpenAsync(document, cancellationToken) : [], new DateTimeOffset(document.CreatedAt, TimeSpan.Zero),
                document.DestroyedAt is { } at ? new DateTimeOffset(at, TimeSpan.Zero) : null);
    }

    public Task<bool> DestroyForCustomerAsync(string customerId, CancellationToken cancellationToken) =>
        database.Client.InTransactionAsync((session, token) => DestroyAsync(session, customerId, token), cancellationToken);

    /// <summary>
    /// As <see cref="DestroyForCustomerAsync"/>, in the caller's transaction (a removal's). A customer without a key
    /// (stored straight into the store) gets a destroyed one, so no first use after the removal makes them a live one.
    /// </summary>
    internal async Task<bool> DestroyAsync(IClientSessionHandle session, string customerId, CancellationToken cancellationToken)
    {
        await _indexes.EnsureCreatedAsync(cancellationToken);
        if ((await _keys.UpdateOneAsync(session, LiveKeyOf(customerId), Destruction(), cancellationToken: cancellationToken)).ModifiedCount > 0)
        {
            return true;
        }

        var now = time.GetUtcNow().UtcDateTime;
        await _keys.UpdateOneAsync(
            session,
            d => d.CustomerId == customerId,
            Builders<KeyDocument>.Update
                .SetOnInsert(d => d.Id, Guid.CreateVersion7(now).ToString("N"))
                .SetOnInsert(d => d.Key, new byte[32])
                .SetOnInsert(d => d.CreatedAt, now)
                .SetOnInsert(d => d.DestroyedAt, now),
            new UpdateOptions { IsUpsert = true },
            cancellationToken);
        return false;
    }

    public async Task<int> RewrapAsync(CancellationToken cancellationToken)
    {
        var current = wrapper.CurrentKeyId;
        var stale = await _keys.Find(d => d.DestroyedAt == null && d.KekId != current).ToListAsync(cancellationToken);
        foreach (var document in stale)
        {
            await OpenAsync(document, cancellationToken);
        }

        return stale.Count;
    }

    private static FilterDefinition<KeyDocument> LiveKeyOf(string customerId) =>
        Builders<KeyDocument>.Filter.Where(d => d.CustomerId == customerId && d.DestroyedAt == null);

    private UpdateDefinition<KeyDocument> Destruction() =>
        Builders<KeyDocument>.Update.Set(d => d.Key, new byte[32]).Set(d => d.DestroyedAt, time.GetUtcNow().UtcDateTime);

    /// <summary>The key in clear; a key found under a retired KEK (or in clear) is written back wrapped under the current one.</summary>
    private async Task<byte[]> OpenAsync(KeyDocument document, CancellationToken cancellationToken)
    {
        var key = wrapper.Open(document.Key, document.KekId, CustomerKeyPurpose.Of(document.Id));
        if (!wrapper.IsCurrent(document.KekId))
        {
            // Only while the stored bytes are still the ones read: a concurrent re-wrap or destruction wins.
            await _keys.UpdateOneAsync(
                d => d.Id == document.Id && d.Key == document.Key && d.DestroyedAt == null,
                Builders<KeyDocument>.Update.Set(d => d.Key, wrapper.Wrap(key, CustomerKeyPurpose.Of(document.Id))).Set(d => d.KekId, wrapper.CurrentKeyId),
                cancellationToken: cancellationToken);
        }

        return key;
    }

    [BsonIgnoreExtraElements]
    private sealed class KeyDocument
    {
        [BsonId]
        public string Id { get; set; } = string.Empty;

        public string CustomerId { get; set; } = string.Empty;

        /// <summary>Wrapped under the KEK <see cref="KekId"/> names.</summary>
        public byte[] Key { get; set; } = [];

        public string? KekId { get; set; }

        public DateTime CreatedAt { get; set; }

        public DateTime? DestroyedAt { get; set; }
    }
}
