using MongoDB.Bson;
using MongoDB.Driver;

namespace ServiceDesk.Storage.MongoDb;

/// <summary>An index a MongoDB store relies on; <see cref="MongoStartup"/> creates it.</summary>
public sealed record MongoIndex(string Collection, IndexKeysDefinition<BsonDocument> Keys, CreateIndexOptions? Options = null)
{
    public static IndexKeysDefinitionBuilder<BsonDocument> KeysOf => Builders<BsonDocument>.IndexKeys;

    /// <summary>Creates <paramref name="indexes"/>; an index that exists already is left as it is.</summary>
    public static async Task CreateAllAsync(IMongoDatabase database, IEnumerable<MongoIndex> indexes, CancellationToken cancellationToken)
    {
        foreach (var collection in indexes.GroupBy(index => index.Collection))
        {
            await database.GetCollection<BsonDocument>(collection.Key).Indexes.CreateManyAsync(
                collection.Select(index => new CreateIndexModel<BsonDocument>(index.Keys, index.Options)), cancellationToken);
        }
    }
}

/// <summary>
/// A MongoDB store: it names the indexes it relies on, so they are created by one start-up step that retries
/// and reports through health, never by a constructor that would block on an unreachable server.
/// </summary>
public interface IMongoStore
{
    static abstract IReadOnlyList<MongoIndex> Indexes { get; }
}
