using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Directory.Erasure;

/// <summary>Bounds of the erasure requests, checked before any store access.</summary>
internal static class ErasureRules
{
    /// <summary>A defined value of the enum; with <paramref name="required"/>, not its UNSPECIFIED zero.</summary>
    public static void Code<TEnum>(this FieldViolations violations, string field, TEnum value, bool required)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            violations.Add(field, "is not a known value");
        }
        else if (required && Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            violations.Add(field, "is required");
        }
    }
}

internal sealed class RemoveCustomerValidator : IRequestValidator<RemoveCustomerRequest>
{
    public void Validate(RemoveCustomerRequest request, FieldViolations violations)
    {
        violations.Id("customer_id", request.CustomerId);
        violations.Code("mode", request.Mode, required: false);
        violations.Code("reason", request.Reason, required: true);
        violations.Id("successor_customer_id", request.SuccessorCustomerId, required: false);
    }
}

internal sealed class PreviewRemovalValidator : IRequestValidator<PreviewRemovalRequest>
{
    public void Validate(PreviewRemovalRequest request, FieldViolations violations)
    {
        violations.Id("customer_id", request.CustomerId);
        violations.Code("mode", request.Mode, required: false);
    }
}

internal sealed class GetErasureValidator : IRequestValidator<GetErasureRequest>
{
    public void Validate(GetErasureRequest request, FieldViolations violations) => violations.Id("erasure_id", request.ErasureId);
}

internal sealed class ListErasuresValidator : IRequestValidator<ListErasuresRequest>
{
    public void Validate(ListErasuresRequest request, FieldViolations violations)
    {
        violations.Code("status", request.Status, required: false);
        violations.Range("page_size", request.PageSize, 0, ErasureCoordinator.MaxPageSize);
        violations.MaxLength("page_token", request.PageToken, Ids.MaxPageTokenLength);
    }
}

internal sealed class RetryErasureValidator : IRequestValidator<RetryErasureRequest>
{
    public void Validate(RetryErasureRequest request, FieldViolations violations) => violations.Id("erasure_id", request.ErasureId);
}

internal sealed class ExportErasureEvidenceValidator : IRequestValidator<ExportErasureEvidenceRequest>
{
    public void Validate(ExportErasureEvidenceRequest request, FieldViolations violations) => violations.Id("erasure_id", request.ErasureId);
}

internal sealed class RequestOwnRemovalValidator : IRequestValidator<RequestOwnRemovalRequest>
{
    public void Validate(RequestOwnRemovalRequest request, FieldViolations violations) => violations.Code("mode", request.Mode, required: false);
}

internal sealed class ApproveErasureValidator : IRequestValidator<ApproveErasureRequest>
{
    public void Validate(ApproveErasureRequest request, FieldViolations violations) => violations.Id("erasure_id", request.ErasureId);
}

internal sealed class RejectErasureValidator : IRequestValidator<RejectErasureRequest>
{
    public void Validate(RejectErasureRequest request, FieldViolations violations)
    {
        violations.Id("erasure_id", request.ErasureId);
        violations.Code("reason", request.Reason, required: true);
    }
}

internal sealed class ReinstateAddressValidator : IRequestValidator<ReinstateAddressRequest>
{
    public void Validate(ReinstateAddressRequest request, FieldViolations violations)
    {
        violations.Id("erasure_id", request.ErasureId);
        violations.Code("reason", request.Reason, required: true);
    }
}
