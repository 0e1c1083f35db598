using Grpc.Core;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Directory.Keys;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Directory.Grpc;

/// <summary>Per-customer keys for the services that unseal personal data in events; service identities only.</summary>
public sealed class CustomerKeyGrpcService(ICustomerKeyStore keys) : CustomerKeyService.CustomerKeyServiceBase
{
    public override async Task<CustomerKey> GetCustomerKey(GetCustomerKeyRequest request, ServerCallContext context)
    {
        context.GetCallerWithinServicePolicy().RequireService();
        var key = await keys.FindAsync(request.KeyId, context.CancellationToken) ?? throw new NotFoundException("customer key", request.KeyId, "key_id");
        return key.Destroyed is null
            ? new CustomerKey { KeyId = key.KeyId, CustomerId = key.CustomerId, Key = Google.Protobuf.ByteString.CopyFrom(key.Key) }
            : throw new PreconditionFailedException("KEY_DESTROYED", $"customer key {key.KeyId}", "The key was destroyed (the customer was erased, or their removal's final profile read); what it sealed cannot be read.");
    }
}

internal sealed class GetCustomerKeyValidator : IRequestValidator<GetCustomerKeyRequest>
{
    public void Validate(GetCustomerKeyRequest request, FieldViolations violations) => violations.Id("key_id", request.KeyId);
}
