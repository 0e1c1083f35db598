using ServiceDesk.Contracts.Directory.V1;

namespace ServiceDesk.Directory.Keys;

/// <summary>
/// One AES-256 key per customer, kept only here. Personal data leaves Directory through Redis sealed under it;
/// destroying it at removal is what makes every copy unreadable (crypto-shredding). A removal's final profile has a
/// key of its own, stored here under the owner <see cref="Erasure.RemovalProfile.KeyOwnerOf"/> where a customer's key
/// has the customer id. Stored wrapped under the
/// key-encryption key (<see cref="Hosting.KeyProtection.KeyWrapper"/>), with the KEK's id beside it; a key read
/// under a retired KEK is written back under the current one.
/// </summary>
public interface ICustomerKeyStore
{
    /// <summary>The customer's key, created on first use. Throws <see cref="Messaging.PersonalData.CustomerKeyDestroyedException"/> after destruction.</summary>
    Task<CustomerKey> GetOrCreateForCustomerAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>A key for a customer not stored yet, itself not stored: the customer store writes it with the customer.</summary>
    NewCustomerKey New(string customerId);

    /// <summary>A key by id; null when unknown. A destroyed key comes back with <see cref="StoredCustomerKey.Destroyed"/> set and no key bytes.</summary>
    Task<StoredCustomerKey?> FindAsync(string keyId, CancellationToken cancellationToken);

    /// <summary>Overwrites the key bytes and marks the key destroyed; true if there was a live key. Idempotent.</summary>
    Task<bool> DestroyForCustomerAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>Re-wraps every live key not under the current KEK; returns how many.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">A key is under a KEK that is not configured.</exception>
    Task<int> RewrapAsync(CancellationToken cancellationToken);
}

public sealed record StoredCustomerKey(string KeyId, string CustomerId, byte[] Key, DateTimeOffset CreatedAt, DateTimeOffset? Destroyed);
