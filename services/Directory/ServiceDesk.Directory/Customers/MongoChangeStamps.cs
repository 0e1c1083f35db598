using MongoDB.Bson;
using MongoDB.Driver;
using ServiceDesk.Storage.MongoDb;

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
    private readonly MongoCounter _stamps = new(database.GetCollection<BsonDocument>("customer_change_stamps"), "Stamp");

    /// <summary>Raises each project's stamp by one, in the caller's transaction; the stamps taken, by project.</summary>
    public async Task<IReadOnlyDictionary<string, long>> RaiseAsync(IClientSessionHandle session, IEnumerable<string> projectKeys, CancellationToken cancellationToken)
    {
        var raised = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var project in projectKeys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            raised[project] = await _stamps.AddAsync(session, project, 1, cancellationToken);
        }

        return raised;
    }

    public Task<long> ReadAsync(string projectKey, CancellationToken cancellationToken) => _stamps.ReadAsync(projectKey, cancellationToken);

    public Task<IReadOnlyDictionary<string, long>> ReadAllAsync(CancellationToken cancellationToken) => _stamps.ReadAllAsync(cancellationToken);
}
