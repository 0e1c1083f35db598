namespace ServiceDesk.Directory.Customers;

/// <summary>
/// Customers, unique by normalised address. Each implementation keeps the search keys of
/// <see cref="Suggestions.SearchKeys"/> indexed so <see cref="FindFirstByNameAsync"/> never scans.
/// </summary>
public interface ICustomerStore
{
    /// <exception cref="AddressTakenException">Another customer has the address.</exception>
    Task InsertAsync(Customer customer, CancellationToken cancellationToken);

    Task<Customer?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Writes <paramref name="customer"/> only if the stored one is still at <paramref name="expectedVersion"/>.</summary>
    /// <returns>False when the customer changed meanwhile or no longer exists.</returns>
    /// <exception cref="AddressTakenException">Another customer has the new address.</exception>
    Task<bool> ReplaceAsync(Customer customer, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Customers in address order after <paramref name="afterAddress"/>; only one project's when <paramref name="projectKey"/> is set.</summary>
    Task<IReadOnlyList<Customer>> ListAsync(string? projectKey, string? afterAddress, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// An organization's customers in address order after <paramref name="afterAddress"/>; with
    /// <paramref name="inAnyOfProjects"/>, only those belonging to at least one of these projects.
    /// </summary>
    Task<IReadOnlyList<Customer>> ListByOrganizationAsync(
        string organizationId, IReadOnlySet<string>? inAnyOfProjects, string? afterAddress, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The first <paramref name="limit"/> customers of the project, in <see cref="Suggestions.SearchKeys.NameOrder(string, Customer)"/>,
    /// that have a search key matching <paramref name="key"/>.
    /// </summary>
    Task<IReadOnlyList<Customer>> FindFirstByNameAsync(string projectKey, Suggestions.SearchKeyMatch key, int limit, CancellationToken cancellationToken);
}

/// <summary>The address belongs to another customer, named by id only.</summary>
public sealed class AddressTakenException(string existingCustomerId)
    : Exception($"The address belongs to customer '{existingCustomerId}'.")
{
    public string ExistingCustomerId { get; } = existingCustomerId;
}
