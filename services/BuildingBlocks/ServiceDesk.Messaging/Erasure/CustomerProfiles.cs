using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.PersonalData;

namespace ServiceDesk.Messaging.Erasure;

/// <summary>
/// The profile a customer event carries sealed, for an erasure participant that keeps its own copy of every
/// customer's name and address so that a removal can find them in its texts; null once the customer is erased (in
/// this service's erasure ledger, or their key destroyed): an erased customer is never stored again, whatever
/// event arrives late.
/// </summary>
public sealed class CustomerProfiles(PersonalDataSealer sealer, ErasedCustomers erased)
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
    /// <paramref name="knows"/> says this service's copy, as the customer's event brought it, is of its version or newer
    /// (<see cref="ErasureScope.FinalProfileVersion"/>): then it tells nothing new, and Directory is not asked for its key.
    /// </summary>
    public async Task<CustomerProfile?> FinalProfileAsync(ErasureScope scope, Func<long, bool> knows, CancellationToken cancellationToken)
    {
        if (scope.FinalProfile is not { } sealedProfile || (scope.FinalProfileVersion > 0 && knows(scope.FinalProfileVersion)))
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
}
