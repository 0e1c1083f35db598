using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Identity.ServiceTokens;

internal sealed class IssueServiceTokenValidator : IRequestValidator<IssueServiceTokenRequest>
{
    private const int MaxLength = 200;

    public void Validate(IssueServiceTokenRequest request, FieldViolations violations)
    {
        violations.Text("service_name", request.ServiceName, MaxLength);
        violations.Text("secret", request.Secret, MaxLength);
    }
}
