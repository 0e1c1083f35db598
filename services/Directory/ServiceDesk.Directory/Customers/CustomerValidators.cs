using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Directory.Customers;

internal static class CustomerRules
{
    public const int MaxDisplayNameLength = 200;
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

internal sealed class SuggestCustomersValidator : IRequestValidator<SuggestCustomersRequest>
{
    public const int MaxLimit = 50;

    public void Validate(SuggestCustomersRequest request, FieldViolations violations)
    {
        violations.ProjectKey("project_key", request.ProjectKey);
        violations.Text("text", request.Text, EmailAddress.MaxLength);
        violations.Range("limit", request.Limit, 1, MaxLimit);
    }
}
