using MongoDB.Driver;

namespace ServiceDesk.Storage.MongoDb;

/// <summary>
/// What an acknowledged write means: it reached a majority of the replica set, so a failover cannot roll it
/// back. The server's default (w:1 on many deployments) acknowledges a write only the primary holds.
/// </summary>
public static class MongoDurability
{
    /// <summary>Every transaction: a snapshot of majority-committed data, committed with w:majority.</summary>
    public static readonly TransactionOptions TransactionOptions = new(ReadConcern.Snapshot, ReadPreference.Primary, WriteConcern.WMajority);

    /// <summary>
    /// The connection string's settings with majority writes and primary reads; a <c>w</c> or read preference in
    /// the string is overridden, since the stores' guarantees rest on these.
    /// </summary>
    public static MongoClientSettings ClientSettings(string url)
    {
        var settings = MongoClientSettings.FromConnectionString(url);
        settings.WriteConcern = WriteConcern.WMajority;
        settings.ReadPreference = ReadPreference.Primary;
        return settings;
    }

    /// <summary>Runs <paramref name="work"/> in a majority transaction, retried by the driver on transient errors.</summary>
    public static async Task<T> InTransactionAsync<T>(
        this IMongoClient client, Func<IClientSessionHandle, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        using var session = await client.StartSessionAsync(
            new ClientSessionOptions { DefaultTransactionOptions = TransactionOptions }, cancellationToken);
        return await session.WithTransactionAsync(work, TransactionOptions, cancellationToken);
    }

    /// <summary>
    /// A session whose reads all see one snapshot of majority-committed data (MongoDB 5.0 and later): a query whose
    /// <c>$or</c> branches are scanned one after another does not miss a document a writer moved between them.
    /// </summary>
    public static Task<IClientSessionHandle> StartSnapshotSessionAsync(this IMongoClient client, CancellationToken cancellationToken) =>
        client.StartSessionAsync(new ClientSessionOptions { Snapshot = true }, cancellationToken);
}
