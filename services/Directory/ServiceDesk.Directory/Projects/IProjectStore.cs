using ServiceDesk.Messaging.Consuming;

namespace ServiceDesk.Directory.Projects;

/// <summary>The project keys Directory knows; customers may belong only to these.</summary>
public interface IProjectStore
{
    /// <returns>False when the key was already registered.</returns>
    Task<bool> RegisterAsync(string projectKey, DateTimeOffset registeredAt, CancellationToken cancellationToken);

    /// <summary>
    /// Registers a key an event announced, recording the event as handled in the same transaction (one effect per
    /// event); throws <see cref="EventAlreadyHandledException"/> when a delivery of it was recorded before.
    /// </summary>
    /// <returns>False when the key was already registered.</returns>
    Task<bool> RegisterFromEventAsync(string projectKey, DateTimeOffset registeredAt, EventContext handledEvent, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string projectKey, CancellationToken cancellationToken);
}
