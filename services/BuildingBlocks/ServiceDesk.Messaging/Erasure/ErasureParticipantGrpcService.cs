using Grpc.Core;
using ServiceDesk.Contracts.Erasure.V1;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Messaging.Erasure;

/// <summary>The dry run of this service's part of a removal, for the coordinator (Directory's service identity) only.</summary>
public sealed class ErasureParticipantGrpcService(ICustomerErasure erasure, ServiceInfo service) : ErasureParticipantService.ErasureParticipantServiceBase
{
    public override async Task<PreviewErasureResponse> PreviewErasure(PreviewErasureRequest request, ServerCallContext context)
    {
        context.GetCallerWithinServicePolicy().RequireService(ServiceNames.Directory);
        var scope = new ErasureScope(
            RequestId: string.Empty,
            request.CustomerId,
            request.Mode == ErasureMode.Unspecified ? ErasureMode.Anonymize : request.Mode,
            request.AddressHash,
            string.IsNullOrEmpty(request.SuccessorCustomerId) ? null : request.SuccessorCustomerId,
            Pseudonym: string.Empty)
        {
            FormerAddressHashes = [.. request.FormerAddressHashes],
        };
        return new PreviewErasureResponse
        {
            Service = service.Name,
            Counts = { (await erasure.PlanAsync(scope, context.CancellationToken)).Counts.ToDictionary() },
        };
    }
}

internal sealed class PreviewErasureValidator : IRequestValidator<PreviewErasureRequest>
{
    public void Validate(PreviewErasureRequest request, FieldViolations violations)
    {
        violations.Id("customer_id", request.CustomerId);
        if (!System.Enum.IsDefined(request.Mode))
        {
            violations.Add("mode", "must be ERASURE_MODE_ANONYMIZE or ERASURE_MODE_PURGE");
        }

        if (!string.IsNullOrEmpty(request.AddressHash) && !ErasedAddressHash.IsWellFormed(request.AddressHash))
        {
            violations.Add("address_hash", $"must be the base64url HMAC-SHA256 of the address ({ErasedAddressHash.Length} characters)");
        }

        // The first malformed one only: the request's size bounds their count, not the answer's.
        var malformed = request.FormerAddressHashes.ToList().FindIndex(hash => !ErasedAddressHash.IsWellFormed(hash));
        if (malformed >= 0)
        {
            violations.Add($"former_address_hashes[{malformed}]", $"must be the base64url HMAC-SHA256 of an address ({ErasedAddressHash.Length} characters)");
        }

        violations.Id("successor_customer_id", request.SuccessorCustomerId, required: false);
        if (!string.IsNullOrEmpty(request.SuccessorCustomerId) && string.Equals(request.SuccessorCustomerId, request.CustomerId, StringComparison.OrdinalIgnoreCase))
        {
            violations.Add("successor_customer_id", "must differ from customer_id");
        }
    }
}
