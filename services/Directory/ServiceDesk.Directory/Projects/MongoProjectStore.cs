using MongoDB.Bson;
using MongoDB.Driver;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Inbox;
using ServiceDesk.Storage.MongoDb;

namespace ServiceDesk.Directory.Projects;

public sealed class MongoProjectStore(IMongoDatabase database) : IProjectStore, IMongoStore
{
    private readonly IMongoCollection<BsonDocument> _projects = database.GetCollection<BsonDocument>("projects");

    public static IReadOnlyList<MongoIndex> Indexes => [];

    public async Task<bool> RegisterAsync(string projectKey, DateTimeOffset registeredAt, CancellationToken cancellationToken)
    {
        try
        {
            await _projects.InsertOneAsync(
                new BsonDocument { ["_id"] = projectKey, ["RegisteredAt"] = registeredAt.UtcDateTime }, cancellationToken: cancellationToken);
            return true;
        }
        catch (MongoWriteException exception) when (exception.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            return false;
        }
    }

    public Task<bool> RegisterFromEventAsync(string projectKey, DateTimeOffset registeredAt, EventContext handledEvent, CancellationToken cancellationToken) =>
        database.Client.InTransactionAsync(
            async (session, token) =>
            {
                await MongoInboxStore.RecordHandledAsync(database, session, handledEvent, registeredAt, token);
                var filter = Builders<BsonDocument>.Filter.Eq("_id", projectKey);
                if (await _projects.Find(session, filter).Limit(1).AnyAsync(token))
                {
                    return false;
                }

                await _projects.InsertOneAsync(session, new BsonDocument { ["_id"] = projectKey, ["RegisteredAt"] = registeredAt.UtcDateTime }, cancellationToken: token);
                return true;
            },
            cancellationToken);

    public async Task<bool> ExistsAsync(string projectKey, CancellationToken cancellationToken) =>
        await _projects.Find(Builders<BsonDocument>.Filter.Eq("_id", projectKey)).Limit(1).AnyAsync(cancellationToken);
}
