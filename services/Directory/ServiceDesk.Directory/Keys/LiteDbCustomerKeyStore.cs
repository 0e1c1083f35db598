using System.Security.Cryptography;
using Google.Protobuf;
using LiteDB;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Hosting.KeyProtection;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Storage.LiteDb;

namespace ServiceDesk.Directory.Keys;

public sealed class LiteDbCustomerKeyStore : ICustomerKeyStore
{
    private const string CollectionName = "customer_keys";

    private static readonly ParsedExpression ByCustomerId = new("CustomerId = @0");

    private readonly LiteDatabase _database;
    private readonly ILiteCollection<KeyDocument> _keys;
    private readonly KeyWrapper _wrapper;
    private readonly TimeProvider _time;

    public LiteDbCustomerKeyStore(LiteDatabase database, KeyWrapper wrapper, TimeProvider time)
    {
        _database = database;
        _wrapper = wrapper;
        _time = time;
        _keys = database.GetMappedCollection<KeyDocument>(CollectionName);
        _keys.EnsureIndex(d => d.CustomerId, unique: true);
        _keys.EnsureIndex(d => d.KekId);
    }

    public Task<CustomerKey> GetOrCreateForCustomerAsync(string customerId, CancellationToken cancellationToken)
    {
        var existing = _keys.FindOne(ByCustomerId.With(customerId));
        if (existing is null)
        {
            existing = KeyDocument.From(New(customerId));
            try
            {
                _keys.Insert(existing);
            }
            catch (LiteException exception) when (exception.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
            {
                existing = _keys.FindOne(ByCustomerId.With(customerId));
            }
        }

        return Task.FromResult(existing.DestroyedAt is null
            ? new CustomerKey { KeyId = existing.Id, CustomerId = customerId, Key = ByteString.CopyFrom(Open(existing)) }
            : throw new CustomerKeyDestroyedException(existing.Id));
    }

    public NewCustomerKey New(string customerId) => NewCustomerKey.Create(customerId, _wrapper, _time.GetUtcNow());

    /// <summary>Stores <paramref name="key"/>; joins the caller's transaction (the customer's insert).</summary>
    internal static void Insert(LiteDatabase database, NewCustomerKey key) =>
        database.GetCollection<KeyDocument>(CollectionName).Insert(KeyDocument.From(key));

    public Task<StoredCustomerKey?> FindAsync(string keyId, CancellationToken cancellationToken) =>
        Task.FromResult(_keys.FindOneById(keyId) is { } document
            ? new StoredCustomerKey(document.Id, document.CustomerId, document.DestroyedAt is null ? Open(document) : [], new DateTimeOffset(document.CreatedAt, TimeSpan.Zero),
                document.DestroyedAt is { } at ? new DateTimeOffset(at, TimeSpan.Zero) : null)
            : null);

    public Task<bool> DestroyForCustomerAsync(string customerId, CancellationToken cancellationToken)
    {
        var destroyed = _database.InTransaction(() => Destroy(customerId));
        if (destroyed)
        {
            _database.Checkpoint();
        }

        return Task.FromResult(destroyed);
    }

    /// <summary>
    /// Overwrites the key bytes and marks the key destroyed; true if there was a live key. A customer without a key
    /// (stored straight into the store) gets a destroyed one, so no first use after the removal makes them a live
    /// one. Joins the caller's transaction (taking the keys' write lock before it reads); checkpoint after it.
    /// </summary>
    internal bool Destroy(string customerId)
    {
        _keys.LockForWrite();
        var document = _keys.FindOne(ByCustomerId.With(customerId));
        if (document is null)
        {
            var now = _time.GetUtcNow();
            _keys.Insert(new KeyDocument { Id = Guid.CreateVersion7(now).ToString("N"), CustomerId = customerId, Key = new byte[32], CreatedAt = now.UtcDateTime, DestroyedAt = now.UtcDateTime });
            return false;
        }

        if (document.DestroyedAt is not null)
        {
            return false;
        }

        // Same length, so LiteDB rewrites the key's own data block; the checkpoint then overwrites the page in
        // the data file instead of leaving the old bytes behind in the log.
        CryptographicOperations.ZeroMemory(document.Key);
        document.DestroyedAt = _time.GetUtcNow().UtcDateTime;
        _keys.Update(document);
        return true;
    }

    public Task<int> RewrapAsync(CancellationToken cancellationToken)
    {
        var current = _wrapper.CurrentKeyId;
        var stale = _keys.Find(d => d.DestroyedAt == null && d.KekId != current).ToList();
        foreach (var document in stale)
        {
            Open(document);
        }

        return Task.FromResult(stale.Count);
    }

    /// <summary>The key in clear; a key found under a retired KEK (or in clear) is written back wrapped under the current one.</summary>
    private byte[] Open(KeyDocument document)
    {
        var key = _wrapper.Open(document.Key, document.KekId, CustomerKeyPurpose.Of(document.Id));
        if (!_wrapper.IsCurrent(document.KekId))
        {
            Rewrap(document, key);
        }

        return key;
    }

    /// <summary>
    /// Only while the stored bytes are still the ones read, under the collection's write lock: a concurrent re-wrap or
    /// destruction wins (writing back the copy read would bring a key destroyed meanwhile back).
    /// </summary>
    private void Rewrap(KeyDocument read, byte[] key) =>
        _database.InTransaction(() =>
        {
            _keys.LockForWrite();
            if (_keys.FindOneById(read.Id) is { DestroyedAt: null } stored && stored.Key.AsSpan().SequenceEqual(read.Key))
            {
                stored.Key = _wrapper.Wrap(key, CustomerKeyPurpose.Of(stored.Id));
                stored.KekId = _wrapper.CurrentKeyId;
                _keys.Update(stored);
            }
        });

    private sealed class KeyDocument
    {
        public string Id { get; set; } = string.Empty;

        public string CustomerId { get; set; } = string.Empty;

        /// <summary>Wrapped under the KEK <see cref="KekId"/> names.</summary>
        public byte[] Key { get; set; } = [];

        public string? KekId { get; set; }

        public DateTime CreatedAt { get; set; }

        public DateTime? DestroyedAt { get; set; }

        public static KeyDocument From(NewCustomerKey key) => new()
        {
            Id = key.Key.KeyId,
            CustomerId = key.Key.CustomerId,
            Key = key.WrappedKey,
            KekId = key.KekId,
            CreatedAt = key.CreatedAt.UtcDateTime,
        };
    }
}
