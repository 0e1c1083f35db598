using LiteDB;

namespace ServiceDesk.Identity.Keys;

public sealed class LiteDbSigningKeyStore(LiteDatabase database) : ISigningKeyStore
{
    private readonly ILiteCollection<SigningKey> _keys = database.GetCollection<SigningKey>("signing_keys");

    public Task<IReadOnlyList<SigningKey>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SigningKey>>([.. _keys.FindAll()]);

    public Task<bool> TryAddAsync(SigningKey key, CancellationToken cancellationToken)
    {
        try
        {
            _keys.Insert(key);
            return Task.FromResult(true);
        }
        catch (LiteException exception) when (exception.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            return Task.FromResult(false);
        }
    }

    public Task<int> DeleteWithdrawnAsync(DateTime now, CancellationToken cancellationToken) =>
        Task.FromResult(_keys.DeleteMany(k => k.WithdrawAt <= now));
}
