using LiteDB;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Inbox;
using ServiceDesk.Storage.LiteDb;

namespace ServiceDesk.Directory.Projects;

public sealed class LiteDbProjectStore(LiteDatabase database) : IProjectStore
{
    private readonly ILiteCollection<BsonDocument> _projects = database.GetCreatedCollection("projects");

    public Task<bool> RegisterAsync(string projectKey, DateTimeOffset registeredAt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            _projects.Insert(new BsonDocument { ["_id"] = projectKey, ["RegisteredAt"] = registeredAt.UtcDateTime });
            return Task.FromResult(true);
        }
        catch (LiteException exception) when (exception.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            return Task.FromResult(false);
        }
    }

    public Task<bool> RegisterFromEventAsync(string projectKey, DateTimeOffset registeredAt, EventContext handledEvent, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Synchronous from BeginTrans to Commit: a LiteDB transaction belongs to its thread.
        database.BeginTrans();
        try
        {
            LiteDbInboxStore.RecordHandled(database, handledEvent, registeredAt);
            // Locked before the check: a project registered by the API between the check and the insert failed the
            // event on the duplicate id (handled again only when redelivered).
            _projects.LockForWrite();
            var created = !_projects.AnyMatches(BsonExpression.Create("_id = @0", projectKey));
            if (created)
            {
                _projects.Insert(new BsonDocument { ["_id"] = projectKey, ["RegisteredAt"] = registeredAt.UtcDateTime });
            }

            database.Commit();
            return Task.FromResult(created);
        }
        catch
        {
            database.Rollback();
            throw;
        }
    }

    public Task<bool> ExistsAsync(string projectKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_projects.AnyMatches(BsonExpression.Create("_id = @0", projectKey)));
    }
}
