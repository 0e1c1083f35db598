using ServiceDesk.Hosting.Errors;

namespace ServiceDesk.Directory.Organizations;

public static class OrganizationStoreExtensions
{
    /// <exception cref="NotFoundException">The organization is unknown; the error names <paramref name="requestField"/>.</exception>
    public static async Task<Organization> GetExistingAsync(this IOrganizationStore organizations, string organizationId, string requestField, CancellationToken cancellationToken) =>
        await organizations.GetAsync(organizationId, cancellationToken) ?? throw new NotFoundException("organization", organizationId, requestField);
}
