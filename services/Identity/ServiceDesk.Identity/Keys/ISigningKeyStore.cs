namespace ServiceDesk.Identity.Keys;

/// <summary>
/// The signing keys every replica signs and publishes from. Private keys are stored wrapped under the
/// key-encryption key (<see cref="Hosting.KeyProtection.KeyWrapper"/>), with the KEK's id beside them; listing
/// writes back any key found under a retired KEK wrapped under the current one.
/// </summary>
public interface ISigningKeyStore
{
    Task<IReadOnlyList<SigningKey>> ListAsync(CancellationToken cancellationToken);

    /// <summary>False when a key with this id exists (another replica created it first); nothing is written then.</summary>
    Task<bool> TryAddAsync(SigningKey key, CancellationToken cancellationToken);

    /// <summary>Deletes the keys whose <see cref="SigningKey.WithdrawAt"/> has passed; returns how many.</summary>
    Task<int> DeleteWithdrawnAsync(DateTime now, CancellationToken cancellationToken);
}
