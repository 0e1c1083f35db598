using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Directory.Customers;

internal static class CustomerRules
{
    public const int MaxDisplayNameLength = 200;

    public static void PageSize(this FieldViolations violations, int pageSize) =>
        violations.Range("page_size", pageSize, 0, CustomerPaging.MaxPageSize);
}

internal sealed class CreateCustomerValidator : IRequestValidator<CreateCustomerRequest>
{
    public void Validate(CreateCustomerRequest request, FieldViolations violations)
    {
        violations.Address("address", request.Address);
        violations.Text("display_name", request.DisplayName, CustomerRules.MaxDisplayNameLength);
        for (var i = 0; i < request.ProjectKeys.Count; i++)
        {
            violations.ProjectKey($"project_keys[{i}]", request.ProjectKeys[i]);
        }
    }
}

internal sealed class GetCustomerValidator : IRequestValidator<GetCustomerRequest>
{
    public void Validate(GetCustomerRequest request, FieldViolations violations) => violations.Required("customer_id", request.CustomerId);
}

internal sealed class UpdateCustomerValidator : IRequestValidator<UpdateCustomerRequest>
{
    public void Validate(UpdateCustomerRequest request, FieldViolations violations)
    {
        violations.Required("customer_id", request.CustomerId);
        if (request.HasAddress)
        {
            violations.Address("address", request.Address);
        }

        if (request.HasDisplayName)
        {
            violations.Text("display_name", request.DisplayName, CustomerRules.MaxDisplayNameLength);
        }

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
    }
}

internal sealed class AddToProjectValidator : IRequestValidator<AddToProjectRequest>
{
    public void Validate(AddToProjectRequest request, FieldViolations violations)
    {
        violations.Required("customer_id", request.CustomerId);
        violations.ProjectKey("project_key", request.ProjectKey);
    }
}

internal sealed class RemoveFromProjectValidator : IRequestValidator<RemoveFromProjectRequest>
{
    public void Validate(RemoveFromProjectRequest request, FieldViolations violations)
    {
        violations.Required("customer_id", request.CustomerId);
        violations.ProjectKey("project_key", request.ProjectKey);
    }
}
