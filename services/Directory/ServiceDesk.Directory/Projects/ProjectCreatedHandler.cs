using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.Consuming;

namespace ServiceDesk.Directory.Projects;

/// <summary>
/// Ticketing created a project: customers may belong to it from now on. Registering a known key again changes
/// nothing. The key and the event's inbox record are written in one transaction.
/// </summary>
public sealed class ProjectCreatedHandler(IProjectStore projects, TimeProvider time) : IIntegrationEventHandler<ProjectCreated>
{
    public Task HandleAsync(ProjectCreated message, EventContext context, CancellationToken cancellationToken) =>
        projects.RegisterFromEventAsync(message.ProjectKey, time.Now(), context, cancellationToken);
}
