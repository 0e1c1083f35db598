using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Hosting.KeyProtection;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Identity.Accounts;

internal static class PasswordRules
{
    public const int MinLength = 12;

    /// <summary>Bounds the work a single sign-in can cause in the password hasher.</summary>
    public const int MaxLength = 128;

    /// <summary>A password to set: <see cref="MinLength"/> to <see cref="MaxLength"/> characters.</summary>
    public static void New(FieldViolations violations, string field, string password)
    {
        if (password.Length < MinLength)
        {
            violations.Add(field, $"must be at least {MinLength} characters");
        }
        else if (password.Length > MaxLength)
        {
            violations.Add(field, $"must be at most {MaxLength} characters");
        }
    }

    /// <summary>A password to check: present and at most <see cref="MaxLength"/> characters.</summary>
    public static void Presented(FieldViolations violations, string field, string password) => violations.Text(field, password, MaxLength);
}

internal sealed class DisableAccountValidator : IRequestValidator<DisableAccountRequest>
{
    public void Validate(DisableAccountRequest request, FieldViolations violations) =>
        violations.Text("account_id", request.AccountId, Ids.MaxLength);
}

internal sealed class EnableAccountValidator : IRequestValidator<EnableAccountRequest>
{
    public void Validate(EnableAccountRequest request, FieldViolations violations) =>
        violations.Text("account_id", request.AccountId, Ids.MaxLength);
}

internal sealed class DeleteAccountValidator : IRequestValidator<DeleteAccountRequest>
{
    public void Validate(DeleteAccountRequest request, FieldViolations violations) =>
        violations.Text("account_id", request.AccountId, Ids.MaxLength);
}

internal sealed class ChangePasswordValidator : IRequestValidator<ChangePasswordRequest>
{
    public void Validate(ChangePasswordRequest request, FieldViolations violations)
    {
        PasswordRules.Presented(violations, "current_password", request.CurrentPassword);
        PasswordRules.New(violations, "new_password", request.NewPassword);
    }
}

internal sealed class ResetPasswordValidator : IRequestValidator<ResetPasswordRequest>
{
    public void Validate(ResetPasswordRequest request, FieldViolations violations)
    {
        violations.Text("account_id", request.AccountId, Ids.MaxLength);
        PasswordRules.New(violations, "new_password", request.NewPassword);
    }
}

internal sealed class CreateAccountValidator : IRequestValidator<CreateAccountRequest>
{
    private const int MaxCustomerIdLength = 64;

    /// <summary>Every key becomes a claim in each of the agent's access tokens.</summary>
    private const int MaxProjectKeys = 50;

    public void Validate(CreateAccountRequest request, FieldViolations violations)
    {
        violations.Address("login", request.Login);
        PasswordRules.New(violations, "password", request.Password);

        switch (request.Role)
        {
            case Role.Admin:
                break;
            case Role.Agent:
                if (request.ProjectKeys.Count == 0)
                {
                    violations.Add("project_keys", "an agent needs at least one project key");
                }
                else if (request.ProjectKeys.Count > MaxProjectKeys)
                {
                    violations.Add("project_keys", $"must be at most {MaxProjectKeys}");
                    break;
                }

                for (var i = 0; i < request.ProjectKeys.Count; i++)
                {
                    violations.ProjectKey($"project_keys[{i}]", request.ProjectKeys[i]);
                }

                break;
            case Role.Customer:
                violations.Text("customer_id", request.CustomerId, MaxCustomerIdLength);
                // A removal finds the customer's accounts by the customer's own id: one made for an id scoped to a project
                // (as agents know customers) outlived the customer's removal and kept signing in as them.
                if (request.CustomerId.Length is > 0 and <= MaxCustomerIdLength && !ProjectScopedIds.IsCustomerId(request.CustomerId))
                {
                    violations.Add("customer_id", "must be the customer's own id (32 lower-case hex digits, as Directory shows customers to admins), not an id scoped to a project");
                }

                break;
            default:
                violations.Add("role", "is required: ROLE_ADMIN, ROLE_AGENT or ROLE_CUSTOMER");
                break;
        }
    }
}
