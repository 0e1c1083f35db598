namespace ServiceDesk.Directory.Projects;

/// <summary>The project keys Directory knows; customers may belong only to these.</summary>
public interface IProjectStore
{
    /// <returns>False when the key was already registered.</returns>
    Task<bool> RegisterAsync(string projectKey, DateTimeOffset registeredAt, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string projectKey, CancellationToken cancellationToken);
}
