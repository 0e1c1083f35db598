using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Messaging.Publishing;

namespace ServiceDesk.Ticketing.Projects;

/// <summary>Service projects. Creating one publishes ProjectCreated, from which Directory learns the key.</summary>
public sealed class ProjectService(IProjectStore projects, TicketingScope scope, Paging paging, IntegrationEvents events, TimeProvider time)
{
    public async Task<Project> CreateAsync(CreateProjectRequest request, CancellationToken cancellationToken)
    {
        var project = new Project(request.Key, request.Name.Trim(), request.AcceptMailFromAnyone, time.Now());
        if (!await projects.InsertAsync(project, [events.Prepare(new ProjectCreated { ProjectKey = project.Key })], cancellationToken))
        {
            throw new AlreadyExistsException("project", project.Key, "key");
        }

        events.WakeRelay();
        return project;
    }

    public async Task<(IReadOnlyList<Project> Projects, string NextPageToken)> ListAsync(Caller caller, ListProjectsRequest request, CancellationToken cancellationToken)
    {
        var visible = await scope.VisibleProjectsAsync(caller, cancellationToken);
        var afterKey = paging.PositionOf(request.PageToken, caller, "projects");

        var size = Paging.SizeOf(request.PageSize);
        var found = await projects.ListAsync(visible, afterKey, size + 1, cancellationToken);
        return found.Count > size ? ([.. found.Take(size)], paging.Token(caller, "projects", found[size - 1].Key)) : (found, string.Empty);
    }
}
