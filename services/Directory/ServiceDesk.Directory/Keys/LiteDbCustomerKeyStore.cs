using System.Security.Cryptography;
using Google.Protobuf;
using LiteDB;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Messaging.PersonalData;

namespace ServiceDesk.Directory.Keys;

public sealed class LiteDbCustomerKeyStore : ICustomerKeyStore
{
    private readonly LiteDatabase _database;
    private readonly ILiteCollection<KeyDocument> _keys;
    private readonly TimeProvider _time;

    public LiteDbCustomerKeyStore(LiteDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
        _keys = database.GetCollection<KeyDocument>("customer_keys");
        _keys.EnsureIndex(d => d.CustomerId, unique: true);
    }

    public Task<CustomerKey> GetOrCreateForCustomerAsync(string customerId, CancellationToken cancellationToken)
    {
        var existing = _keys.FindOne(d => d.CustomerId == customerId);
        if (existing is null)
        {
            existing = KeyDocument.New(customerId, _time.GetUtcNow());
            try
            {
                _keys.Insert(existing);
            }
            catch (LiteException exception) when (exception.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
            {
                existing = _keys.FindOne(d => d.CustomerId == customerId);
            }
        }

        return Task.FromResult(existing.DestroyedAt is null
            ? new CustomerKey { KeyId = existing.Id, CustomerId = customerId, Key = ByteString.CopyFrom(existing.Key) }
            : throw new CustomerKeyDestroyedException(existing.Id));
    }

    public Task<StoredCustomerKey?> FindAsync(string keyId, CancellationToken cancellationToken) =>
        Task.FromResult(_keys.FindById(keyId)?.ToStored());

    public Task<bool> DestroyForCustomerAsync(string customerId, CancellationToken cancellationToken)
    {
        var document = _keys.FindOne(d => d.CustomerId == customerId);
        if (document is null || document.DestroyedAt is not null)
        {
            return Task.FromResult(false);
        }

        // Same length, so LiteDB rewrites the key's own data block; the checkpoint then overwrites the page in
        // the data file instead of leaving the old bytes behind in the log.
        CryptographicOperations.ZeroMemory(document.Key);
        document.DestroyedAt = _time.GetUtcNow().UtcDateTime;
        _keys.Update(document);
        _database.Checkpoint();
        return Task.FromResult(true);
    }

    private sealed class KeyDocument
    {
        public string Id { get; set; } = string.Empty;

        public string CustomerId { get; set; } = string.Empty;

        public byte[] Key { get; set; } = [];

        public DateTime CreatedAt { get; set; }

        public DateTime? DestroyedAt { get; set; }

        public static KeyDocument New(string customerId, DateTimeOffset now) => new()
        {
            Id = Guid.CreateVersion7(now).ToString("N"),
            CustomerId = customerId,
            Key = RandomNumberGenerator.GetBytes(32),
            CreatedAt = now.UtcDateTime,
        };

        public StoredCustomerKey ToStored() => new(Id, CustomerId, DestroyedAt is null ? Key : [], new DateTimeOffset(CreatedAt, TimeSpan.Zero), DestroyedAt is { } at ? new DateTimeOffset(at, TimeSpan.Zero) : null);
    }
}
