using MongoDB.Driver;
using ServiceDesk.Hosting.KeyProtection;
using ServiceDesk.Storage.MongoDb;

namespace ServiceDesk.Identity.Keys;

/// <summary>Signing keys in MongoDB: only wrapped private keys are ever written, so the oplog and backups hold no usable key.</summary>
public sealed class MongoSigningKeyStore(IMongoDatabase database, KeyWrapper wrapper) : ISigningKeyStore, IMongoStore
{
    private readonly IMongoCollection<SigningKeyDocument> _keys = database.GetCollection<SigningKeyDocument>("signing_keys");

    public static IReadOnlyList<MongoIndex> Indexes => [];

    public async Task<IReadOnlyList<SigningKey>> ListAsync(CancellationToken cancellationToken)
    {
        var keys = new List<SigningKey>();
        foreach (var document in await _keys.Find(FilterDefinition<SigningKeyDocument>.Empty).ToListAsync(cancellationToken))
        {
            var key = document.Open(wrapper);
            if (!wrapper.IsCurrent(document.KekId))
            {
                // Only while the stored bytes are still the ones read: another replica's re-wrap wins.
                await _keys.ReplaceOneAsync(d => d.Id == document.Id && d.PrivateKey == document.PrivateKey, SigningKeyDocument.Wrap(key, wrapper), cancellationToken: cancellationToken);
            }

            keys.Add(key);
        }

        return keys;
    }

    public async Task<bool> TryAddAsync(SigningKey key, CancellationToken cancellationToken)
    {
        try
        {
            await _keys.InsertOneAsync(SigningKeyDocument.Wrap(key, wrapper), cancellationToken: cancellationToken);
            return true;
        }
        catch (MongoWriteException exception) when (exception.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            return false;
        }
    }

    public async Task<int> DeleteWithdrawnAsync(DateTime now, CancellationToken cancellationToken) =>
        (int)(await _keys.DeleteManyAsync(k => k.WithdrawAt <= now, cancellationToken)).DeletedCount;
}
