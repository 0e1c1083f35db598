using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Directory.Projects;

internal sealed class RegisterProjectValidator : IRequestValidator<RegisterProjectRequest>
{
    public void Validate(RegisterProjectRequest request, FieldViolations violations) => violations.ProjectKey("project_key", request.ProjectKey);
}
