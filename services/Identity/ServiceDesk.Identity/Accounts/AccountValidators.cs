using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Identity.Accounts;

internal static class PasswordRules
{
    public const int MinLength = 12;

    /// <summary>Bounds the work a single sign-in can cause in the password hasher.</summary>
    public const int MaxLength = 128;
}

internal sealed class CreateAccountValidator : IRequestValidator<CreateAccountRequest>
{
    private const int MaxCustomerIdLength = 64;

    public void Validate(CreateAccountRequest request, FieldViolations violations)
    {
        violations.Address("login", request.Login);
        if (request.Password.Length < PasswordRules.MinLength)
        {
            violations.Add("password", $"must be at least {PasswordRules.MinLength} characters");
        }
        else if (request.Password.Length > PasswordRules.MaxLength)
        {
            violations.Add("password", $"must be at most {PasswordRules.MaxLength} characters");
        }

        switch (request.Role)
        {
            case Role.Admin:
                break;
            case Role.Agent:
                if (request.ProjectKeys.Count == 0)
                {
                    violations.Add("project_keys", "an agent needs at least one project key");
                }

                for (var i = 0; i < request.ProjectKeys.Count; i++)
                {
                    violations.ProjectKey($"project_keys[{i}]", request.ProjectKeys[i]);
                }

                break;
            case Role.Customer:
                violations.Text("customer_id", request.CustomerId, MaxCustomerIdLength);
                break;
            default:
                violations.Add("role", "is required: ROLE_ADMIN, ROLE_AGENT or ROLE_CUSTOMER");
                break;
        }
    }
}
