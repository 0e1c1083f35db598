using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Directory.Customers;
using ServiceDesk.Directory.Keys;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.PersonalData;
using Customer = ServiceDesk.Directory.Customers.Customer;

namespace ServiceDesk.Directory.Erasure;

/// <summary>
/// The removed customer's profile (current and former names and addresses) as the removal found it, sealed for the
/// command (<see cref="CustomerErasureRequested.FinalProfile"/>) under a key of the request alone. The customer's own
/// key is destroyed with the profile, so a change still behind in a participant's customer stream can no longer be
/// read there; this copy lets the participant look for what that change brought. The removal stores the key (in the
/// customer keys, owned by <see cref="KeyOwnerOf"/>) and the sealed copy, for a retried command; the receipt that
/// leaves both its readers done (<see cref="ErasureRecord.FinalProfileReaders"/>) destroys the key and deletes the copy,
/// and with the key every copy of the command becomes unreadable.
/// </summary>
/// <param name="Key">The key, made but not stored: the removal's transaction stores it.</param>
/// <param name="Digest">The profile's keyed digest (<see cref="CustomerProfiles.DigestOf"/>), for the participants whose copy is the same.</param>
public sealed record RemovalProfile(NewCustomerKey Key, SealedData Sealed, byte[] Digest)
{
    public static RemovalProfile Of(Customer customer, string erasureId, ICustomerKeyStore keys, TombstonePepper pepper)
    {
        var key = keys.New(KeyOwnerOf(erasureId));
        var profile = CustomerEvents.ProfileOf(customer);
        return new RemovalProfile(key, PersonalDataSealer.Seal(key.Key, profile), CustomerProfiles.DigestOf(pepper, profile));
    }

    /// <summary>The owner the key is stored under, where a customer's key has the customer's id: never a customer id.</summary>
    public static string KeyOwnerOf(string erasureId) => $"removal:{erasureId}";
}
