using ServiceDesk.Contracts.Directory.V1;

namespace ServiceDesk.Directory.Keys;

/// <summary>
/// One AES-256 key per customer, kept only here. Personal data leaves Directory through Redis sealed under it;
/// destroying it at removal is what makes every copy unreadable (crypto-shredding).
/// </summary>
public interface ICustomerKeyStore
{
    /// <summary>The customer's key, created on first use. Throws <see cref="Messaging.PersonalData.CustomerKeyDestroyedException"/> after destruction.</summary>
    Task<CustomerKey> GetOrCreateForCustomerAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>A key by id; null when unknown. A destroyed key comes back with <see cref="StoredCustomerKey.Destroyed"/> set and no key bytes.</summary>
    Task<StoredCustomerKey?> FindAsync(string keyId, CancellationToken cancellationToken);

    /// <summary>Overwrites the key bytes and marks the key destroyed; true if there was a live key. Idempotent.</summary>
    Task<bool> DestroyForCustomerAsync(string customerId, CancellationToken cancellationToken);
}

public sealed record StoredCustomerKey(string KeyId, string CustomerId, byte[] Key, DateTimeOffset CreatedAt, DateTimeOffset? Destroyed);
