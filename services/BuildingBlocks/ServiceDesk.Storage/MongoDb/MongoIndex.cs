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

/// <summary>
/// A store's indexes, made sure of by each write that relies on a unique one: on a new database such a write
/// may come before <see cref="MongoStartup"/> has created them. Created once per process; a failed attempt
/// (server unreachable) is not remembered, so the next write tries again.
/// </summary>
public sealed class MongoIndexes(IMongoDatabase database, IReadOnlyList<MongoIndex> indexes)
{
    private Task? _created;

    public Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        var created = _created;
        if (created is null || created.IsFaulted || created.IsCanceled)
        {
            // Not the caller's token: one caller giving up must not fail the creation the others wait for.
            _created = created = MongoIndex.CreateAllAsync(database, indexes, CancellationToken.None);
        }

        return created.WaitAsync(cancellationToken);
    }
}
