using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Ticketing.Projects;

internal sealed class CreateProjectValidator : IRequestValidator<CreateProjectRequest>
{
    public void Validate(CreateProjectRequest request, FieldViolations violations)
    {
        violations.ProjectKey("key", request.Key);
        violations.Text("name", request.Name, Project.MaxNameLength);
    }
}

internal sealed class GetProjectValidator : IRequestValidator<GetProjectRequest>
{
    public void Validate(GetProjectRequest request, FieldViolations violations) => violations.ProjectKey("key", request.Key);
}

internal sealed class ListProjectsValidator : IRequestValidator<ListProjectsRequest>
{
    public void Validate(ListProjectsRequest request, FieldViolations violations)
    {
        violations.Range("page_size", request.PageSize, 0, Paging.MaxPageSize);
        violations.MaxLength("page_token", request.PageToken, Ids.MaxPageTokenLength);
    }
}
