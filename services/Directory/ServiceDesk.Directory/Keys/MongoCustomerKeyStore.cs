using System.Security.Cryptography;
using Google.Protobuf;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Storage.MongoDb;

namespace ServiceDesk.Directory.Keys;

public sealed class MongoCustomerKeyStore(IMongoDatabase database, TimeProvider time) : ICustomerKeyStore, IMongoStore
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
        // Upsert: concurrent first uses agree on one key.
        var document = await _keys.FindOneAndUpdateAsync<KeyDocument>(
            d => d.CustomerId == customerId,
            Builders<KeyDocument>.Update
                .SetOnInsert(d => d.Id, Guid.CreateVersion7(now).ToString("N"))
                .SetOnInsert(d => d.Key, RandomNumberGenerator.GetBytes(32))
                .SetOnInsert(d => d.CreatedAt, now.UtcDateTime),
            new FindOneAndUpdateOptions<KeyDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After },
            cancellationToken);
        return document.DestroyedAt is null
            ? new CustomerKey { KeyId = document.Id, CustomerId = customerId, Key = ByteString.CopyFrom(document.Key) }
            : throw new CustomerKeyDestroyedException(document.Id);
    }

    public async Task<StoredCustomerKey?> FindAsync(string keyId, CancellationToken cancellationToken)
    {
        var document = await _keys.Find(d => d.Id == keyId).FirstOrDefaultAsync(cancellationToken);
        return document is null
            ? null
            : new StoredCustomerKey(document.Id, document.CustomerId, document.DestroyedAt is null ? document.Key : [], new DateTimeOffset(document.CreatedAt, TimeSpan.Zero),
                document.DestroyedAt is { } at ? new DateTimeOffset(at, TimeSpan.Zero) : null);
    }

    public async Task<bool> DestroyForCustomerAsync(string customerId, CancellationToken cancellationToken)
    {
        var result = await _keys.UpdateOneAsync(
            d => d.CustomerId == customerId && d.DestroyedAt == null,
            Builders<KeyDocument>.Update.Set(d => d.Key, new byte[32]).Set(d => d.DestroyedAt, time.GetUtcNow().UtcDateTime),
            cancellationToken: cancellationToken);
        return result.ModifiedCount > 0;
    }

    [BsonIgnoreExtraElements]
    private sealed class KeyDocument
    {
        [BsonId]
        public string Id { get; set; } = string.Empty;

        public string CustomerId { get; set; } = string.Empty;

        public byte[] Key { get; set; } = [];

        public DateTime CreatedAt { get; set; }

        public DateTime? DestroyedAt { get; set; }
    }
}
