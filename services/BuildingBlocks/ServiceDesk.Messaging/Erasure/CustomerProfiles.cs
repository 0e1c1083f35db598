using System.Security.Cryptography;
using Google.Protobuf;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.PersonalData;

namespace ServiceDesk.Messaging.Erasure;

/// <summary>
/// The profile a customer event carries sealed, for an erasure participant that keeps its own copy of every
/// customer's name and address so that a removal can find them in its texts; null once the customer is erased (in
/// this service's erasure ledger, or their key destroyed): an erased customer is never stored again, whatever
/// event arrives late.
/// </summary>
public sealed class CustomerProfiles(PersonalDataSealer sealer, ErasedCustomers erased, TombstonePepper pepper)
{
    public async Task<CustomerProfile?> UnsealUnlessErasedAsync(string customerId, SealedData profile, CancellationToken cancellationToken)
    {
        if (await erased.IsCustomerErasedAsync(customerId, cancellationToken))
        {
            return null;
        }

        try
        {
            return await sealer.UnsealAsync(profile, CustomerProfile.Parser, cancellationToken);
        }
        catch (CustomerKeyDestroyedException)
        {
            return null;
        }
    }

    /// <summary>
    /// The profile a removal's command carries (<see cref="ErasureScope.FinalProfile"/>), which holds what this
    /// service's copy may lack: a change Directory published just before the removal, still behind in this service's
    /// customer stream, cannot be read there any more. Null when the command carries none, or once its key is
    /// destroyed (Directory destroys it once the services that look for names are done, or a restore lost it), or when
    /// <paramref name="known"/>, this service's copy, is that very profile (<see cref="DigestOf"/>): then it tells
    /// nothing new, and Directory is not asked for its key.
    /// </summary>
    public async Task<CustomerProfile?> FinalProfileAsync(ErasureScope scope, CustomerProfile? known, CancellationToken cancellationToken)
    {
        if (scope.FinalProfile is not { } sealedProfile
            || (known is not null && scope.FinalProfileDigest.Length > 0 && CryptographicOperations.FixedTimeEquals(DigestOf(pepper, known), scope.FinalProfileDigest)))
        {
            return null;
        }

        try
        {
            return await sealer.UnsealAsync(sealedProfile, CustomerProfile.Parser, cancellationToken);
        }
        catch (CustomerKeyDestroyedException)
        {
            return null;
        }
    }

    /// <summary>
    /// HMAC-SHA256 under the tombstone pepper of the profile as serialized (fields in number order, lists in order): equal
    /// for equal profiles, and no clear-text fingerprint of a name in a stream that is never trimmed.
    /// </summary>
    public static byte[] DigestOf(TombstonePepper pepper, CustomerProfile profile) =>
        HMACSHA256.HashData(pepper.Key, [.. "servicedesk final profile\n"u8, .. profile.ToByteArray()]);
}
