using LiteDB;
using ServiceDesk.Hosting.KeyProtection;
using ServiceDesk.Storage.LiteDb;

namespace ServiceDesk.Identity.Keys;

public sealed class LiteDbSigningKeyStore(LiteDatabase database, KeyWrapper wrapper) : ISigningKeyStore
{
    private readonly ILiteCollection<SigningKeyDocument> _keys = database.GetMappedCollection<SigningKeyDocument>("signing_keys");

    public Task<IReadOnlyList<SigningKey>> ListAsync(CancellationToken cancellationToken)
    {
        var keys = new List<SigningKey>();
        foreach (var document in _keys.FindAll().ToList())
        {
            var key = document.Open(wrapper);
            if (!wrapper.IsCurrent(document.KekId))
            {
                _keys.Update(SigningKeyDocument.Wrap(key, wrapper));
            }

            keys.Add(key);
        }

        return Task.FromResult<IReadOnlyList<SigningKey>>(keys);
    }

    public Task<bool> TryAddAsync(SigningKey key, CancellationToken cancellationToken)
    {
        try
        {
            _keys.Insert(SigningKeyDocument.Wrap(key, wrapper));
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
