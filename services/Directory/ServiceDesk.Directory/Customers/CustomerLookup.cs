using ServiceDesk.Hosting.KeyProtection;

namespace ServiceDesk.Directory.Customers;

/// <summary>
/// The customer an id names: their own id, or an id scoped to a project (what agents see), which names a customer only
/// while they belong to its project. Under a retired key-encryption key a scoped id opens to one candidate per key; the
/// one that is a customer of the project is the customer.
/// </summary>
public sealed class CustomerLookup(ICustomerStore customers, ProjectScopedIds scopedIds)
{
    /// <param name="withinProjects">An agent's projects: a scoped id of another project names no one; null for every project.</param>
    public async Task<Customer?> FindAsync(string customerId, IReadOnlySet<string>? withinProjects, CancellationToken cancellationToken)
    {
        if (!scopedIds.TryOpen(customerId, out var projectKey, out var candidates))
        {
            return await customers.GetAsync(customerId, cancellationToken);
        }

        if (withinProjects is not null && !withinProjects.Contains(projectKey))
        {
            return null;
        }

        foreach (var candidate in candidates)
        {
            if (await customers.GetAsync(candidate, cancellationToken) is { } customer && customer.ProjectKeys.Contains(projectKey))
            {
                return customer;
            }
        }

        return null;
    }

    /// <summary>The own id of the customer <paramref name="customerId"/> names, or the id as given when it names no one.</summary>
    public async Task<string> OwnIdOfAsync(string customerId, CancellationToken cancellationToken) =>
        customerId.Length == 0 || ProjectScopedIds.IsCustomerId(customerId) ? customerId : (await FindAsync(customerId, null, cancellationToken))?.Id ?? customerId;
}
