using MongoDB.Bson;
using MongoDB.Driver;

namespace ServiceDesk.Directory.Customers;

/// <summary>
/// The projects' customer change stamps in the service's MongoDB database ("customer_change_stamps": a project key and
/// its counter), raised inside the transaction of the customer write. One document per project is written by every
/// customer write of that project: writes of one project take their stamps one after the other (a concurrent one
/// meets a write conflict and its transaction is retried), writes of different projects never meet. A project's
/// customers are written at the pace of its agents and its inbound mail, far below what one document takes; a
/// single counter for all projects would have made every customer write of the service wait for every other.
/// </summary>
internal sealed class MongoChangeStamps(IMongoDatabase database)
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;
    private static readonly FindOneAndUpdateOptions<BsonDocument> RaiseOptions = new() { IsUpsert = true, ReturnDocument = ReturnDocument.After };

    private readonly IMongoCollection<BsonDocument> _stamps = database.GetCollection<BsonDocument>("customer_change_stamps");

    /// <summary>Raises each project's stamp by one, in the caller's transaction; the stamps taken, by project.</summary>
    public async Task<IReadOnlyDictionary<string, long>> RaiseAsync(IClientSessionHandle session, IEnumerable<string> projectKeys, CancellationToken cancellationToken)
    {
        var raised = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var project in projectKeys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var stamp = await _stamps.FindOneAndUpdateAsync(session, Filter.Eq("_id", project), Builders<BsonDocument>.Update.Inc("Stamp", 1L), RaiseOptions, cancellationToken);
            raised[project] = stamp["Stamp"].ToInt64();
        }

        return raised;
    }

    public async Task<long> ReadAsync(string projectKey, CancellationToken cancellationToken) =>
        await _stamps.Find(Filter.Eq("_id", projectKey)).FirstOrDefaultAsync(cancellationToken) is { } stamp ? stamp["Stamp"].ToInt64() : 0;

    public async Task<IReadOnlyDictionary<string, long>> ReadAllAsync(CancellationToken cancellationToken) =>
        (await _stamps.Find(Filter.Empty).ToListAsync(cancellationToken))
            .ToDictionary(stamp => stamp["_id"].AsString, stamp => stamp["Stamp"].ToInt64(), StringComparer.Ordinal);
}
