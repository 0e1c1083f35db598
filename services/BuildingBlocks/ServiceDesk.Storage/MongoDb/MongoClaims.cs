using MongoDB.Bson;
using MongoDB.Driver;

namespace ServiceDesk.Storage.MongoDb;

/// <summary>
/// Claim documents (<c>{ _id, Claims: count }</c>, nothing else) that make two writers meet. Under snapshot isolation a
/// transaction that writes one document and checks another, and a writer doing the reverse, can both miss each other;
/// when both also write the same claim document, MongoDB's write conflict orders them: the later one waits for the
/// earlier transaction to end, or (a transaction whose snapshot predates the other's write) runs again, and then sees
/// what the other wrote. The MongoDB side of LiteDB's collection write lock (<see cref="LiteDb.LiteDbTransactions.WaitForWriters"/>).
/// </summary>
public static class MongoClaims
{
    private static readonly UpdateDefinition<BsonDocument> Claim = Builders<BsonDocument>.Update.Inc("Claims", 1L);
    private static readonly UpdateOptions Upsert = new() { IsUpsert = true };

    /// <summary>Writes the claim <paramref name="id"/>: in <paramref name="session"/>'s transaction, or on its own when null.</summary>
    public static Task ClaimAsync(this IMongoCollection<BsonDocument> claims, IClientSessionHandle? session, BsonValue id, CancellationToken cancellationToken)
    {
        var filter = Builders<BsonDocument>.Filter.Eq("_id", id);
        return session is null
            ? claims.UpdateOneAsync(filter, Claim, Upsert, cancellationToken)
            : claims.UpdateOneAsync(session, filter, Claim, Upsert, cancellationToken);
    }
}
