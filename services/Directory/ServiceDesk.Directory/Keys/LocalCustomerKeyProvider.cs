using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Messaging.PersonalData;

namespace ServiceDesk.Directory.Keys;

/// <summary>Directory unseals with its own key store.</summary>
public sealed class LocalCustomerKeyProvider(ICustomerKeyStore keys) : ICustomerKeyProvider
{
    public async Task<CustomerKey> GetKeyAsync(string keyId, CancellationToken cancellationToken) =>
        await keys.FindAsync(keyId, cancellationToken) is { Destroyed: null } key
            ? new CustomerKey { KeyId = key.KeyId, CustomerId = key.CustomerId, Key = Google.Protobuf.ByteString.CopyFrom(key.Key) }
            : throw new CustomerKeyDestroyedException(keyId);
}
