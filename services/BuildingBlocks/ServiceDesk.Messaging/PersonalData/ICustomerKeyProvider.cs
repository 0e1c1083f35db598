using ServiceDesk.Contracts.Directory.V1;

namespace ServiceDesk.Messaging.PersonalData;

/// <summary>Finds the key that unseals a customer's personal data: Directory reads its own store, other services ask Directory.</summary>
public interface ICustomerKeyProvider
{
    /// <summary>Throws <see cref="CustomerKeyDestroyedException"/> when the key is gone (the customer was erased) or never existed.</summary>
    Task<CustomerKey> GetKeyAsync(string keyId, CancellationToken cancellationToken);
}

/// <summary>The customer's key was destroyed at removal: whatever it sealed is unreadable for good.</summary>
public sealed class CustomerKeyDestroyedException(string keyId)
    : Exception($"Customer key '{keyId}' is destroyed or unknown; the data it sealed cannot be read.")
{
    public string KeyId { get; } = keyId;
}
