using LiteDB;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Storage.LiteDb;

namespace ServiceDesk.Ticketing.Projects;

public sealed class LiteDbProjectStore(LiteDatabase database, LiteDbOutboxStore outbox) : IProjectStore
{
    private const string Upper = "\uffff";

    private readonly ILiteCollection<BsonDocument> _projects = database.GetCreatedCollection("projects");

    public Task<bool> InsertAsync(Project project, IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            database.InTransaction(() =>
            {
                _projects.Insert(ToDocument(project));
                outbox.Enqueue(events);
            });
            return Task.FromResult(true);
        }
        catch (LiteException exception) when (exception.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            return Task.FromResult(false);
        }
    }

    public Task<Project?> GetAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_projects.FindOneById(key) is { } document ? ToProject(document) : null);
    }

    public Task<IReadOnlyList<Project>> ListAsync(IReadOnlySet<string>? onlyKeys, string? afterKey, int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // _id BETWEEN is a range seek on the primary key, in key order.
        var documents = _projects.Find(BsonExpression.Create("_id BETWEEN @0 AND @1", afterKey ?? string.Empty, Upper));
        return Task.FromResult<IReadOnlyList<Project>>(
        [
            .. documents
                .Where(document => document["_id"].AsString != afterKey && (onlyKeys is null || onlyKeys.Contains(document["_id"].AsString)))
                .Take(limit)
                .Select(ToProject),
        ]);
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
        new DateTimeOffset(document["CreatedAt"].AsDateTime.ToUniversalTime()));
}
