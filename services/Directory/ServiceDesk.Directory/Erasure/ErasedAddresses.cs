using ServiceDesk.Directory.Customers;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Hosting.Validation;
using ServiceDesk.Messaging.Erasure;

namespace ServiceDesk.Directory.Erasure;

/// <summary>The tombstones of erased addresses: an erased address may not belong to a customer again until an admin reinstates it.</summary>
public sealed class ErasedAddresses(IErasureStore store, ICustomerStore customers, TombstonePepper pepper)
{
    public const string PreconditionType = "ADDRESS_ERASED";

    public string HashOf(string address) => pepper.HashAddress(address);

    /// <summary>
    /// The addresses a removal tombstones with the current one: the customer's former addresses, and the mailbox each of
    /// their addresses with a subaddress is delivered to (<c>jane@</c> of <c>jane+desk@</c>, which every other tag reaches
    /// too, <see cref="ReachedMailboxes"/>: left free, mail from it or staff would give her mailbox a customer again);
    /// each that no customer has now (an address given to someone else since stays theirs) and no other removal
    /// tombstoned already (its tombstone stays that removal's, to be lifted with it).
    /// </summary>
    public async Task<IReadOnlyList<FormerAddress>> FormerAddressesToTombstoneAsync(Customer customer, CancellationToken cancellationToken)
    {
        List<FormerAddress> free = [];
        var addresses = customer.History.Addresses.Append(customer.Address).SelectMany(ReachedMailboxes.Of)
            .Where(address => address != customer.Address).Distinct(StringComparer.Ordinal);
        foreach (var address in addresses)
        {
            var hash = HashOf(address);
            if (await customers.FindByAddressAsync(address, cancellationToken) is null
                && await store.FindErasureOfAddressAsync(hash, cancellationToken) is null
                && free.TrueForAll(former => former.Hash != hash))
            {
                free.Add(new FormerAddress(address, hash));
            }
        }

        return free;
    }

    /// <summary>
    /// FAILED_PRECONDITION for an address erasure <paramref name="erasureId"/> tombstoned (the customer store
    /// refuses it, <see cref="AddressErasedException"/>); the address itself is never repeated. Only an admin, who
    /// may reinstate it, learns which erasure (the violation's subject, "erasures/ID"): the request's id is where
    /// the erased customer's pseudonym comes from, so an agent who guessed an address would otherwise learn which
    /// pseudonymised tickets were that person's.
    /// </summary>
    public static PreconditionFailedException Refusal(Caller caller, string erasureId, string field) =>
        caller.Role == CallerRole.Admin
            ? new PreconditionFailedException(
                PreconditionType,
                $"erasures/{erasureId}",
                $"The {field} was erased by erasure request '{erasureId}'; an admin must reinstate it (\"Reinstate addresses\" on the console's Erasures page) before it can belong to a customer again.")
            : new PreconditionFailedException(
                PreconditionType,
                "erasures",
                $"The {field} was erased; an admin must reinstate it (\"Reinstate addresses\" on the console's Erasures page) before it can belong to a customer again.");
}

/// <summary>A former address a removal tombstones: the address, for the store to check no customer took it meanwhile, and its keyed hash.</summary>
public sealed record FormerAddress(string Address, string Hash);
