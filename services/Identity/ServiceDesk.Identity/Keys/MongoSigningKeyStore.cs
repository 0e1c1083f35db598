using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using ServiceDesk.Storage.MongoDb;

namespace ServiceDesk.Identity.Keys;

public sealed class MongoSigningKeyStore(IMongoDatabase database) : ISigningKeyStore, IMongoStore
{
    private readonly IMongoCollection<SigningKey> _keys = database.GetCollection<SigningKey>("signing_keys");

    // A field a newer release added must not break this one during a rolling deploy.
    static MongoSigningKeyStore() =>
        BsonClassMap.TryRegisterClassMap<SigningKey>(map =>
        {
            map.AutoMap();
            map.SetIgnoreExtraElements(true);
        });

    public static IReadOnlyList<MongoIndex> Indexes => [];

    public async Task<IReadOnlyList<SigningKey>> ListAsync(CancellationToken cancellationToken) =>
        await _keys.Find(FilterDefinition<SigningKey>.Empty).ToListAsync(cancellationToken);

    public async Task<bool> TryAddAsync(SigningKey key, CancellationToken cancellationToken)
    {
        try
        {
            await _keys.InsertOneAsync(key, cancellationToken: cancellationToken);
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
