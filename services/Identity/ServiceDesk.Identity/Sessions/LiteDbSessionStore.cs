using LiteDB;
using ServiceDesk.Storage.LiteDb;

namespace ServiceDesk.Identity.Sessions;

public sealed class LiteDbSessionStore : ISessionStore
{
    private readonly LiteDatabase _database;
    private readonly ILiteCollection<Session> _sessions;
    private readonly ILiteCollection<RefreshToken> _tokens;

    public LiteDbSessionStore(LiteDatabase database)
    {
        _database = database;
        _sessions = database.GetMappedCollection<Session>("sessions");
        _sessions.EnsureIndex(s => s.AccountId);
        _tokens = database.GetMappedCollection<RefreshToken>("refresh_tokens");
        _tokens.EnsureIndex(t => t.SessionId);
        _tokens.EnsureIndex(t => t.ExpiresAt);
    }

    public Task CreateAsync(Session session, RefreshToken firstToken, CancellationToken cancellationToken)
    {
        _database.BeginTrans();
        try
        {
            _sessions.Insert(session);
            _tokens.Insert(firstToken);
            _database.Commit();
        }
        catch
        {
            _database.Rollback();
            throw;
        }

        return Task.CompletedTask;
    }

    public Task<Session?> GetAsync(string sessionId, CancellationToken cancellationToken) =>
        Task.FromResult<Session?>(_sessions.FindOneById(sessionId));

    /// <summary>Under the sessions' write lock, taken first as a new session and a deletion take it: a revocation waits or was seen.</summary>
    public Task<bool> TryAddTokenAsync(RefreshToken token, CancellationToken cancellationToken) =>
        Task.FromResult(_database.InTransaction(() =>
        {
            _sessions.LockForWrite();
            if (_sessions.FindOneById(token.SessionId) is not { RevokedAt: null })
            {
                return false;
            }

            _tokens.Insert(token);
            return true;
        }));

    public Task<RefreshToken?> FindTokenAsync(string tokenHash, CancellationToken cancellationToken) =>
        Task.FromResult<RefreshToken?>(_tokens.FindOneById(tokenHash));

    // A conditional update runs under the collection's write lock: the condition and the change are one step.
    public Task<bool> TrySpendTokenAsync(string tokenHash, DateTime at, CancellationToken cancellationToken) =>
        Task.FromResult(_tokens.UpdateMany(
            BsonExpression.Create("{ SpentAt: @0 }", new BsonValue(at)),
            BsonExpression.Create("_id = @0 AND SpentAt = null", new BsonValue(tokenHash))) == 1);

    public Task<bool> RevokeAsync(string sessionId, DateTime at, CancellationToken cancellationToken) =>
        Task.FromResult(_sessions.UpdateMany(
            BsonExpression.Create("{ RevokedAt: @0 }", new BsonValue(at)),
            BsonExpression.Create("_id = @0 AND RevokedAt = null", new BsonValue(sessionId))) == 1);

    public Task<int> RevokeAllAsync(string accountId, DateTime at, CancellationToken cancellationToken) =>
        Task.FromResult(_sessions.UpdateMany(
            BsonExpression.Create("{ RevokedAt: @0 }", new BsonValue(at)),
            BsonExpression.Create("AccountId = @0 AND RevokedAt = null", new BsonValue(accountId))));

    public Task<SessionCounts> CountForAccountAsync(string accountId, CancellationToken cancellationToken)
    {
        var sessionIds = SessionIdsOf(accountId);
        return Task.FromResult(new SessionCounts(sessionIds.Count, sessionIds.Sum(id => _tokens.Count(BsonExpression.Create("SessionId = @0", new BsonValue(id))))));
    }

    public Task<SessionCounts> DeleteForAccountAsync(string accountId, CancellationToken cancellationToken)
    {
        _database.BeginTrans();
        try
        {
            // Locked before the read: a session begun between the read and the deletes kept a token without its session.
            _sessions.LockForWrite();
            var sessionIds = SessionIdsOf(accountId);
            var tokens = sessionIds.Sum(id => _tokens.DeleteMany(BsonExpression.Create("SessionId = @0", new BsonValue(id))));
            var sessions = _sessions.DeleteMany(BsonExpression.Create("AccountId = @0", new BsonValue(accountId)));
            _database.Commit();
            return Task.FromResult(new SessionCounts(sessions, tokens));
        }
        catch
        {
            _database.Rollback();
            throw;
        }
    }

    public Task<int> DeleteExpiredTokensAsync(DateTime now, CancellationToken cancellationToken) =>
        Task.FromResult(_tokens.DeleteMany(t => t.ExpiresAt < now));

    private List<string> SessionIdsOf(string accountId) => [.. _sessions.Find(BsonExpression.Create("AccountId = @0", new BsonValue(accountId))).Select(s => s.Id)];
}
