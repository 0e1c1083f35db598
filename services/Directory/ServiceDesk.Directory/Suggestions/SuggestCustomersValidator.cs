using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Directory.Suggestions;

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
