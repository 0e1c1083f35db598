using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Directory.Customers;

/// <summary>Every field of a customer request has a bound, checked before any store access.</summary>
internal static class CustomerRules
{
    public const int MaxDisplayNameLength = 200;

    /// <summary>A customer in more projects than this is not a case a single request needs to create.</summary>
    public const int MaxProjectKeys = 50;

    public static void PageSize(this FieldViolations violations, int pageSize) =>
        violations.Range("page_size", pageSize, 0, CustomerPaging.MaxPageSize);

    public static void PageToken(this FieldViolations violations, string pageToken) =>
        violations.MaxLength("page_token", pageToken, Ids.MaxPageTokenLength);
}

internal sealed class CreateCustomerValidator : IRequestValidator<CreateCustomerRequest>
{
    public void Validate(CreateCustomerRequest request, FieldViolations violations)
    {
        violations.Address("address", request.Address);
        violations.DisplayText("display_name", request.DisplayName, CustomerRules.MaxDisplayNameLength);
        violations.Id("organization_id", request.OrganizationId, required: false);
        if (violations.MaxCount("project_keys", request.ProjectKeys.Count, CustomerRules.MaxProjectKeys))
        {
            for (var i = 0; i < request.ProjectKeys.Count; i++)
            {
                violations.ProjectKey($"project_keys[{i}]", request.ProjectKeys[i]);
            }
        }
    }
}

internal sealed class GetCustomerValidator : IRequestValidator<GetCustomerRequest>
{
    public void Validate(GetCustomerRequest request, FieldViolations violations) => violations.Id("customer_id", request.CustomerId);
}

internal sealed class FindCustomerByAddressValidator : IRequestValidator<FindCustomerByAddressRequest>
{
    public void Validate(FindCustomerByAddressRequest request, FieldViolations violations) => violations.Address("address", request.Address);
}

internal sealed class UpdateCustomerValidator : IRequestValidator<UpdateCustomerRequest>
{
    public void Validate(UpdateCustomerRequest request, FieldViolations violations)
    {
        violations.Id("customer_id", request.CustomerId);
        if (request.HasAddress)
        {
            violations.Address("address", request.Address);
        }

        if (request.HasDisplayName)
        {
            violations.DisplayText("display_name", request.DisplayName, CustomerRules.MaxDisplayNameLength);
        }

        violations.Id("organization_id", request.OrganizationId, required: false);
        if (request.ExpectedVersion < 0)
        {
            violations.Add("expected_version", "must not be negative");
        }
    }
}

internal sealed class ListCustomersValidator : IRequestValidator<ListCustomersRequest>
{
    public void Validate(ListCustomersRequest request, FieldViolations violations)
    {
        if (request.ProjectKey.Length > 0)
        {
            violations.ProjectKey("project_key", request.ProjectKey);
        }

        violations.PageSize(request.PageSize);
        violations.PageToken(request.PageToken);
    }
}

internal sealed class AddToProjectValidator : IRequestValidator<AddToProjectRequest>
{
    public void Validate(AddToProjectRequest request, FieldViolations violations)
    {
        violations.Id("customer_id", request.CustomerId);
        violations.ProjectKey("project_key", request.ProjectKey);
    }
}

internal sealed class RemoveFromProjectValidator : IRequestValidator<RemoveFromProjectRequest>
{
    public void Validate(RemoveFromProjectRequest request, FieldViolations violations)
    {
        violations.Id("customer_id", request.CustomerId);
        violations.ProjectKey("project_key", request.ProjectKey);
    }
}
