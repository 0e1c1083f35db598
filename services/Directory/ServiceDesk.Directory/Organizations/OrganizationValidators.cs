using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Directory.Customers;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Directory.Organizations;

internal sealed class CreateOrganizationValidator : IRequestValidator<CreateOrganizationRequest>
{
    public void Validate(CreateOrganizationRequest request, FieldViolations violations) =>
        violations.DisplayText("name", request.Name, Organization.MaxNameLength);
}

internal sealed class RenameOrganizationValidator : IRequestValidator<RenameOrganizationRequest>
{
    public void Validate(RenameOrganizationRequest request, FieldViolations violations)
    {
        violations.Id("organization_id", request.OrganizationId);
        violations.DisplayText("name", request.Name, Organization.MaxNameLength);
    }
}

internal sealed class ListOrganizationMembersValidator : IRequestValidator<ListOrganizationMembersRequest>
{
    public void Validate(ListOrganizationMembersRequest request, FieldViolations violations)
    {
        violations.Id("organization_id", request.OrganizationId);
        violations.PageSize(request.PageSize);
        violations.PageToken(request.PageToken);
    }
}
