using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Directory.Suggestions;

internal sealed class SuggestCustomersValidator : IRequestValidator<SuggestCustomersRequest>
{
    public const int MaxLimit = 50;

    /// <summary>What a request that leaves <c>limit</c> out (0) gets, as a list's page size defaults.</summary>
    public const int DefaultLimit = 10;

    public static int EffectiveLimit(SuggestCustomersRequest request) => request.Limit == 0 ? DefaultLimit : request.Limit;

    public void Validate(SuggestCustomersRequest request, FieldViolations violations)
    {
        violations.ProjectKey("project_key", request.ProjectKey);
        violations.Text("text", request.Text, EmailAddress.MaxLength);
        if (request.Limit is < 0 or > MaxLimit)
        {
            violations.Add("limit", $"must be between 1 and {MaxLimit}, or 0 (left out) for {DefaultLimit}");
        }
    }
}
