using LiteDB;
using MongoDB.Driver;
using ServiceDesk.Storage;
using ServiceDesk.Storage.LiteDb;
using ServiceDesk.Storage.MongoDb;
using Xunit;

namespace ServiceDesk.Testing;

/// <summary>
/// The databases a store contract suite runs against: a fresh LiteDB file always, a fresh MongoDB database
/// only when MONGO_URL names a server. Without it the MongoDB variant of every contract test is reported as
/// skipped with <see cref="MongoSkipReason"/>, never as passed.
/// </summary>
public static class StoreBackends
{
    public const string MongoSkipReason = "MongoDB store contract test skipped: MONGO_URL is not set (no MongoDB server on this machine).";

    public static string? MongoUrl => Environment.GetEnvironmentVariable("MONGO_URL") is { Length: > 0 } url ? url : null;

    public static LiteDatabase NewLiteDatabase(string serviceName = "contract") =>
        LiteDbFiles.Open(new StorageOptions { DataDirectory = TestDirectory.Create("litedb") }, serviceName);

    /// <summary>The names of a LiteDB collection's indexes, in ordinal order, as the file's <c>$indexes</c> lists them.</summary>
    public static IEnumerable<string> IndexNamesOf(LiteDatabase database, string collection) =>
        database.GetCollection("$indexes").Find(BsonExpression.Create("collection = @0", collection)).Select(index => index["name"].AsString).Order(StringComparer.Ordinal);

    /// <summary>
    /// A database of its own on the MONGO_URL server, with the client settings and the indexes the services use;
    /// skips the calling test when there is none.
    /// </summary>
    public static IMongoDatabase NewMongoDatabase(params IEnumerable<MongoIndex>[] indexes)
    {
        Skip.If(MongoUrl is null, MongoSkipReason);
        var database = new MongoClient(MongoDurability.ClientSettings(MongoUrl!)).GetDatabase($"servicedesk-test-{Guid.NewGuid():N}");
        MongoIndex.CreateAllAsync(database, indexes.SelectMany(set => set), CancellationToken.None).GetAwaiter().GetResult();
        return database;
    }
}
