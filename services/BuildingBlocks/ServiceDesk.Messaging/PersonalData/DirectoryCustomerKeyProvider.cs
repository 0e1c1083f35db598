using Grpc.Core;
using Microsoft.Extensions.Caching.Memory;
using ServiceDesk.Contracts.Directory.V1;

namespace ServiceDesk.Messaging.PersonalData;

/// <summary>
/// Asks Directory for customer keys over gRPC. Keys are cached for <see cref="CacheFor"/> at most, which
/// bounds how long after its destruction a key can still unseal anything in this service.
/// </summary>
public sealed class DirectoryCustomerKeyProvider(CustomerKeyService.CustomerKeyServiceClient directory, IMemoryCache cache) : ICustomerKeyProvider
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);

    public async Task<CustomerKey> GetKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue<CustomerKey>(keyId, out var cached) && cached is not null)
        {
            return cached;
        }

        try
        {
            var key = await directory.GetCustomerKeyAsync(new GetCustomerKeyRequest { KeyId = keyId }, cancellationToken: cancellationToken);
            cache.Set(keyId, key, CacheFor);
            return key;
        }
        catch (RpcException exception) when (exception.StatusCode is StatusCode.FailedPrecondition or StatusCode.NotFound)
        {
            throw new CustomerKeyDestroyedException(keyId);
        }
    }
}
