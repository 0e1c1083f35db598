using ServiceDesk.Messaging.Publishing;

namespace ServiceDesk.Ticketing.Projects;

/// <summary>Service projects by key. Creating one records its events in the outbox in the same transaction.</summary>
public interface IProjectStore
{
    /// <returns>False, having written nothing, when the key is taken.</returns>
    Task<bool> InsertAsync(Project project, IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken);

    Task<Project?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Projects in key order after <paramref name="afterKey"/>; only those in <paramref name="onlyKeys"/> when it is set.</summary>
    Task<IReadOnlyList<Project>> ListAsync(IReadOnlySet<string>? onlyKeys, string? afterKey, int limit, CancellationToken cancellationToken);
}
