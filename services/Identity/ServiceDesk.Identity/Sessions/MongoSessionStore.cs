using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using ServiceDesk.Storage.MongoDb;

namespace ServiceDesk.Identity.Sessions;

public sealed class MongoSessionStore(IMongoDatabase database) : ISessionStore, IMongoStore
{
    private const string SessionsName = "sessions";
    private const string TokensName = "refresh_tokens";

    private readonly IMongoCollection<Session> _sessions = database.GetCollection<Session>(SessionsName);
    private readonly IMongoCollection<RefreshToken> _tokens = database.GetCollection<RefreshToken>(TokensName);

    static MongoSessionStore()
    {
        // A field a newer release added must not break this one during a rolling deploy.
        BsonClassMap.TryRegisterClassMap<Session>(map =>
        {
            map.AutoMap();
            map.SetIgnoreExtraElements(true);
        });
        BsonClassMap.TryRegisterClassMap<RefreshToken>(map =>
        {
            map.AutoMap();
            map.SetIgnoreExtraElements(true);
        });
    }

    public static IReadOnlyList<MongoIndex> Indexes { get; } =
    [
        new(SessionsName, MongoIndex.KeysOf.Ascending(nameof(Session.AccountId))),
        new(TokensName, MongoIndex.KeysOf.Ascending(nameof(RefreshToken.SessionId))),
        new(TokensName, MongoIndex.KeysOf.Ascending(nameof(RefreshToken.ExpiresAt))),
    ];

    /// <summary>Both documents or neither, as in the LiteDB store.</summary>
    public Task CreateAsync(Session session, RefreshToken firstToken, CancellationToken cancellationToken) =>
        database.Client.InTransactionAsync(
            async (transaction, token) =>
            {
                await _sessions.InsertOneAsync(transaction, session, cancellationToken: token);
                await _tokens.InsertOneAsync(transaction, firstToken, cancellationToken: token);
                return true;
            },
            cancellationToken);

    public async Task<Session?> GetAsync(string sessionId, CancellationToken cancellationToken) =>
        await _sessions.Find(s => s.Id == sessionId).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Inserted first and the session read after: a revocation or deletion that committed before the read is seen, and
    /// then the token is deleted again (a deletion's transaction that ran before the insert could not find it).
    /// </summary>
    public async Task<bool> TryAddTokenAsync(RefreshToken token, CancellationToken cancellationToken)
    {
        await _tokens.InsertOneAsync(token, cancellationToken: cancellationToken);
        if (await GetAsync(token.SessionId, cancellationToken) is { RevokedAt: null })
        {
            return true;
        }

        await _tokens.DeleteOneAsync(t => t.Id == token.Id, CancellationToken.None);
        return false;
    }

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

    public async Task<SessionCounts> CountForAccountAsync(string accountId, CancellationToken cancellationToken)
    {
        var sessionIds = await SessionIdsOfAsync(accountId, cancellationToken);
        return new SessionCounts(sessionIds.Count, (int)await _tokens.CountDocumentsAsync(t => sessionIds.Contains(t.SessionId), cancellationToken: cancellationToken));
    }

    /// <summary>
    /// In one transaction, as in the LiteDB store: the sessions deleted are the ones whose tokens were, so a session
    /// begun or refreshed meanwhile leaves neither a token without its session nor counts that differ from what went.
    /// </summary>
    public Task<SessionCounts> DeleteForAccountAsync(string accountId, CancellationToken cancellationToken) =>
        database.Client.InTransactionAsync(
            async (transaction, token) =>
            {
                var sessionIds = await _sessions.Find(transaction, s => s.AccountId == accountId).Project(s => s.Id).ToListAsync(token);
                var tokens = await _tokens.DeleteManyAsync(transaction, t => sessionIds.Contains(t.SessionId), cancellationToken: token);
                var sessions = await _sessions.DeleteManyAsync(transaction, s => sessionIds.Contains(s.Id), cancellationToken: token);
                return new SessionCounts((int)sessions.DeletedCount, (int)tokens.DeletedCount);
            },
            cancellationToken);

    public async Task<int> DeleteExpiredTokensAsync(DateTime now, CancellationToken cancellationToken) =>
        (int)(await _tokens.DeleteManyAsync(t => t.ExpiresAt < now, cancellationToken)).DeletedCount;

    private async Task<List<string>> SessionIdsOfAsync(string accountId, CancellationToken cancellationToken) =>
        await _sessions.Find(s => s.AccountId == accountId).Project(s => s.Id).ToListAsync(cancellationToken);
}
