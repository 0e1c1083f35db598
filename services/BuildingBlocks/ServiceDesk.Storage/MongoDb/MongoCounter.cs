using MongoDB.Bson;
using MongoDB.Driver;

namespace ServiceDesk.Storage.MongoDb;

/// <summary>
/// Per-key counters in a collection of <c>{ _id: key, field: count }</c> documents, counted inside the caller's
/// transaction: the MongoDB side of <see cref="LiteDb.LiteDbCounter"/>.
/// </summary>
public sealed class MongoCounter(IMongoCollection<BsonDocument> counters, string field)
{
    private static readonly FindOneAndUpdateOptions<BsonDocument> AddOptions = new() { IsUpsert = true, ReturnDocument = ReturnDocument.After };

    /// <summary>
    /// The key's count after adding <paramref name="count"/> (counted from 0 for a new key). Two transactions cannot both
    /// hold the key's document: the later one meets a write conflict, and its transaction is retried.
    /// </summary>
    public async Task<long> AddAsync(IClientSessionHandle session, string key, long count, CancellationToken cancellationToken) =>
        (await counters.FindOneAndUpdateAsync(session, Builders<BsonDocument>.Filter.Eq("_id", key), Builders<BsonDocument>.Update.Inc(field, count), AddOptions, cancellationToken))[field].ToInt64();

    /// <summary>The key's count, 0 before its first.</summary>
    public async Task<long> ReadAsync(string key, CancellationToken cancellationToken) =>
        await counters.Find(Builders<BsonDocument>.Filter.Eq("_id", key)).FirstOrDefaultAsync(cancellationToken) is { } document ? document[field].ToInt64() : 0;

    /// <summary>Every key's count.</summary>
    public async Task<IReadOnlyDictionary<string, long>> ReadAllAsync(CancellationToken cancellationToken) =>
        (await counters.Find(Builders<BsonDocument>.Filter.Empty).ToListAsync(cancellationToken))
            .ToDictionary(document => document["_id"].AsString, document => document[field].ToInt64(), StringComparer.Ordinal);
}
