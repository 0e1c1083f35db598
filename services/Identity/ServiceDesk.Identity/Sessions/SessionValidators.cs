using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Hosting.Validation;
using ServiceDesk.Identity.Accounts;

namespace ServiceDesk.Identity.Sessions;

internal static class RefreshTokenRules
{
    /// <summary>Tokens we issue are 43 characters; anything much longer is not one of ours.</summary>
    public const int MaxLength = 100;
}

internal sealed class SignInValidator : IRequestValidator<SignInRequest>
{
    public void Validate(SignInRequest request, FieldViolations violations)
    {
        violations.Text("login", request.Login, EmailAddress.MaxLength);
        PasswordRules.Presented(violations, "password", request.Password);
    }
}

internal sealed class RefreshValidator : IRequestValidator<RefreshRequest>
{
    public void Validate(RefreshRequest request, FieldViolations violations) =>
        violations.Text("refresh_token", request.RefreshToken, RefreshTokenRules.MaxLength);
}

internal sealed class SignOutValidator : IRequestValidator<SignOutRequest>
{
    public void Validate(SignOutRequest request, FieldViolations violations) =>
        violations.Text("refresh_token", request.RefreshToken, RefreshTokenRules.MaxLength);
}

internal sealed class RevokeSessionsValidator : IRequestValidator<RevokeSessionsRequest>
{
    public void Validate(RevokeSessionsRequest request, FieldViolations violations) =>
        violations.Text("account_id", request.AccountId, Ids.MaxLength, required: false);
}
