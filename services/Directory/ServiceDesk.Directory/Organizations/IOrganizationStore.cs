namespace ServiceDesk.Directory.Organizations;

/// <summary>Organizations, unique by <see cref="Organization.NameKey"/>.</summary>
public interface IOrganizationStore
{
    /// <exception cref="OrganizationNameTakenException">Another organization has the name.</exception>
    Task InsertAsync(Organization organization, CancellationToken cancellationToken);

    Task<Organization?> GetAsync(string id, CancellationToken cancellationToken);

    /// <returns>False when the organization does not exist.</returns>
    /// <exception cref="OrganizationNameTakenException">Another organization has the name.</exception>
    Task<bool> RenameAsync(string id, string name, CancellationToken cancellationToken);
}

public sealed class OrganizationNameTakenException(string existingOrganizationId)
    : Exception($"The name belongs to organization '{existingOrganizationId}'.")
{
    public string ExistingOrganizationId { get; } = existingOrganizationId;
}
