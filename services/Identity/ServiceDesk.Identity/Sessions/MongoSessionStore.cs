using MongoDB.Driver;

namespace ServiceDesk.Identity.Sessions;

public sealed class MongoSessionStore : ISessionStore
{
    private readonly IMongoCollection<Session> _sessions;
    private readonly IMongoCollection<RefreshToken> _tokens;

    public MongoSessionStore(IMongoDatabase database)
    {
        _sessions = database.GetCollection<Session>("sessions");
        _tokens = database.GetCollection<RefreshToken>("refresh_tokens");
        // Once per process, when the store is first resolved; a failure is not cached and is retried on next use.
        _sessions.Indexes.CreateOne(new CreateIndexModel<Session>(Builders<Session>.IndexKeys.Ascending(s => s.AccountId)));
        _tokens.Indexes.CreateMany(
        [
            new CreateIndexModel<RefreshToken>(Builders<RefreshToken>.IndexKeys.Ascending(t => t.SessionId)),
            new CreateIndexModel<RefreshToken>(Builders<RefreshToken>.IndexKeys.Ascending(t => t.ExpiresAt)),
        ]);
    }

    public async Task CreateAsync(Session session, RefreshToken firstToken, CancellationToken cancellationToken)
    {
        // Session first: a token never points at a session that does not exist.
        await _sessions.InsertOneAsync(session, cancellationToken: cancellationToken);
        await _tokens.InsertOneAsync(firstToken, cancellationToken: cancellationToken);
    }

    public async Task<Session?> GetAsync(string sessionId, CancellationToken cancellationToken) =>
        await _sessions.Find(s => s.Id == sessionId).FirstOrDefaultAsync(cancellationToken);

    public Task AddTokenAsync(RefreshToken token, CancellationToken cancellationToken) =>
        _tokens.InsertOneAsync(token, cancellationToken: cancellationToken);

    public async Task<RefreshToken?> FindTokenAsync(string tokenHash, CancellationToken cancellationToken) =>
        await _tokens.Find(t => t.Id == tokenHash).FirstOrDefaultAsync(cancellationToken);

    public async Task<bool> TrySpendTokenAsync(string tokenHash, DateTime at, CancellationToken cancellationToken)
    {
        var result = await _tokens.UpdateOneAsync(
            t => t.Id == tokenHash && t.SpentAt == null, Builders<RefreshToken>.Update.Set(t => t.SpentAt, at), cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    public async Task<bool> RevokeAsync(string sessionId, DateTime at, CancellationToken cancellationToken)
    {
        var result = await _sessions.UpdateOneAsync(
            s => s.Id == sessionId && s.RevokedAt == null, Builders<Session>.Update.Set(s => s.RevokedAt, at), cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    public async Task<int> RevokeAllAsync(string accountId, DateTime at, CancellationToken cancellationToken)
    {
        var result = await _sessions.UpdateManyAsync(
            s => s.AccountId == accountId && s.RevokedAt == null, Builders<Session>.Update.Set(s => s.RevokedAt, at), cancellationToken: cancellationToken);
        return (int)result.ModifiedCount;
    }

    public async Task<int> DeleteExpiredTokensAsync(DateTime now, CancellationToken cancellationToken) =>
        (int)(await _tokens.DeleteManyAsync(t => t.ExpiresAt < now, cancellationToken)).DeletedCount;
}
