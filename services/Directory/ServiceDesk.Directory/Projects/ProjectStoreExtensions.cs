using ServiceDesk.Hosting.Errors;

namespace ServiceDesk.Directory.Projects;

public static class ProjectStoreExtensions
{
    /// <exception cref="NotFoundException">The project is unknown; the error names <paramref name="requestField"/>.</exception>
    public static async Task EnsureExistsAsync(this IProjectStore projects, string projectKey, string requestField, CancellationToken cancellationToken)
    {
        if (!await projects.ExistsAsync(projectKey, cancellationToken))
        {
            throw new NotFoundException("project", projectKey, requestField);
        }
    }
}
