using MongoDB.Bson;
using MongoDB.Driver;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Storage.MongoDb;

namespace ServiceDesk.Ticketing.Projects;

/// <summary>Projects keyed by their key (the _id index serves key order). Needs a replica set: a project and its events commit together.</summary>
public sealed class MongoProjectStore(IMongoDatabase database, MongoOutboxStore outbox) : IProjectStore, IMongoStore
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    private readonly IMongoCollection<BsonDocument> _projects = database.GetCollection<BsonDocument>("projects");

    public static IReadOnlyList<MongoIndex> Indexes => [];

    public async Task<bool> InsertAsync(Project project, IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
    {
        try
        {
            return await database.Client.InTransactionAsync(
                async (session, token) =>
                {
                    await _projects.InsertOneAsync(session, ToDocument(project), cancellationToken: token);
                    await outbox.EnqueueAsync(session, events, token);
                    return true;
                },
                cancellationToken);
        }
        catch (MongoWriteException exception) when (exception.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            return false;
        }
    }

    public async Task<Project?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var document = await _projects.Find(Filter.Eq("_id", key)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : ToProject(document);
    }

    public async Task<IReadOnlyList<Project>> ListAsync(IReadOnlySet<string>? onlyKeys, string? afterKey, int limit, CancellationToken cancellationToken)
    {
        var filter = afterKey is null ? Filter.Empty : Filter.Gt("_id", afterKey);
        if (onlyKeys is not null)
        {
            filter &= Filter.In("_id", onlyKeys);
        }

        var documents = await _projects.Find(filter).Sort(Builders<BsonDocument>.Sort.Ascending("_id")).Limit(limit).ToListAsync(cancellationToken);
        return [.. documents.Select(ToProject)];
    }

    private static BsonDocument ToDocument(Project project) => new()
    {
        ["_id"] = project.Key,
        ["Name"] = project.Name,
        ["AcceptMailFromAnyone"] = project.AcceptMailFromAnyone,
        ["CreatedAt"] = project.CreatedAt.UtcDateTime,
    };

    private static Project ToProject(BsonDocument document) => new(
        document["_id"].AsString,
        document["Name"].AsString,
        document["AcceptMailFromAnyone"].AsBoolean,
        new DateTimeOffset(document["CreatedAt"].ToUniversalTime()));
}
