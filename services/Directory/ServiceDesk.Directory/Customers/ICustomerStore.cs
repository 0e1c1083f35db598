using ServiceDesk.Hosting.Validation;
using ServiceDesk.Directory.Keys;
using ServiceDesk.Messaging.Publishing;

namespace ServiceDesk.Directory.Customers;

/// <summary>
/// Customers, unique by normalised address and never at an address a removal tombstoned (the tombstones live in the
/// same database, read in the write's transaction). No implementation stores search keys: the picker finds customers
/// in memory (<see cref="Suggestions.SuggestionIndex"/>) and confirms each by id. Every change records its integration events in the service's outbox in the same transaction: a committed change
/// always has its events, a rejected one never.
/// <para>
/// Every write that inserts, changes or deletes a customer also raises, in its own transaction, the change stamp of
/// each project the customer was or is in (a counter per project, one more per write) and returns the stamps it
/// took. A picker index that has applied every stamp of a project up to the one the store reads now holds what the
/// store holds for that project, and may answer without reading the candidates back.
/// </para>
/// </summary>
public interface ICustomerStore
{
    /// <summary>
    /// Inserts the customer, stores their <paramref name="key"/> (none: it is made on first use) and records
    /// <paramref name="events"/> in the outbox, in one transaction.
    /// </summary>
    /// <returns>The change stamps the insert took, by project.</returns>
    /// <exception cref="AddressTakenException">Another customer has the address; nothing is written, the key neither.</exception>
    /// <exception cref="AddressErasedException">A removal tombstoned the address, checked in the insert's transaction; nothing is written.</exception>
    Task<IReadOnlyDictionary<string, long>> InsertAsync(Customer customer, NewCustomerKey? key, IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken);

    /// <summary>Inserts the customer without a key (made on first use) and records <paramref name="events"/>, in one transaction.</summary>
    /// <returns>The change stamps the insert took, by project.</returns>
    /// <exception cref="AddressTakenException">Another customer has the address; nothing is written.</exception>
    /// <exception cref="AddressErasedException">A removal tombstoned the address; nothing is written.</exception>
    Task<IReadOnlyDictionary<string, long>> InsertAsync(Customer customer, IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken);

    Task<Customer?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>The summaries of the customers of <paramref name="ids"/> that exist, by id, read in one query that reads nothing else of the records.</summary>
    Task<IReadOnlyDictionary<string, CustomerSummary>> GetSummariesAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken);

    /// <param name="address">A normalised address (<see cref="Hosting.Validation.EmailAddress"/>).</param>
    Task<Customer?> FindByAddressAsync(string address, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="customer"/> and records <paramref name="events"/> in the outbox, in one
    /// transaction, only if the stored customer is still at <paramref name="expectedVersion"/>.
    /// </summary>
    /// <returns>
    /// The change stamps the write took, by project (those the customer was in and those it is in now); null, having
    /// written nothing, when the customer changed meanwhile or no longer exists.
    /// </returns>
    /// <exception cref="AddressTakenException">Another customer has the new address; nothing is written.</exception>
    /// <exception cref="AddressErasedException">The address changes to one a removal tombstoned, checked in the write's transaction; nothing is written.</exception>
    Task<IReadOnlyDictionary<string, long>?> ReplaceAsync(Customer customer, long expectedVersion, IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken);

    /// <summary>The project's change stamp as committed: 0 before its first customer write. One cheap read.</summary>
    Task<long> GetChangeStampAsync(string projectKey, CancellationToken cancellationToken);

    /// <summary>Every project's committed change stamp (projects never written are left out), read at once.</summary>
    Task<IReadOnlyDictionary<string, long>> GetChangeStampsAsync(CancellationToken cancellationToken);

    /// <summary>Customers in address order after <paramref name="afterAddress"/>; only one project's when <paramref name="projectKey"/> is set.</summary>
    Task<IReadOnlyList<Customer>> ListAsync(string? projectKey, string? afterAddress, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// An organization's customers in address order after <paramref name="afterAddress"/>; with
    /// <paramref name="withinProjects"/>, only those belonging to at least one project and to no project outside these.
    /// </summary>
    Task<IReadOnlyList<Customer>> ListByOrganizationAsync(
        string organizationId, IReadOnlySet<string>? withinProjects, string? afterAddress, int limit, CancellationToken cancellationToken);
}

/// <summary>A removal tombstoned the address (<see cref="Erasure.ErasedAddresses"/>): request <paramref name="erasureId"/>, which an admin may reinstate.</summary>
public sealed class AddressErasedException(string erasureId)
    : Exception($"The address was erased by erasure request '{erasureId}'.")
{
    public string ErasureId { get; } = erasureId;
}

/// <summary>The address belongs to another customer, named by id only.</summary>
public sealed class AddressTakenException(string existingCustomerId)
    : Exception($"The address belongs to customer '{existingCustomerId}'.")
{
    public string ExistingCustomerId { get; } = existingCustomerId;
}
