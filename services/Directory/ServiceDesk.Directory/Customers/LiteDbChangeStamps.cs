using System.Collections.Concurrent;
using LiteDB;
using ServiceDesk.Storage.LiteDb;

namespace ServiceDesk.Directory.Customers;

/// <summary>
/// The projects' customer change stamps in the service's LiteDB file ("customer_change_stamps": a project key and its
/// counter), raised inside the transaction of the customer write, after that write succeeded, so a refused write
/// raises none. When this process is the file's only writer (a Direct connection), it also keeps the stamps in memory,
/// raised before the commit: a call reads them without a query, and a stamp raised by a write not yet committed only
/// sends the call to the store, which still shows the state before that write. A write rolled back after raising
/// (an I/O failure) leaves the memory ahead of the file, which only keeps calls on the store until the project's
/// next write. With a Shared connection other processes write the file too, so every read is a query.
/// </summary>
internal sealed class LiteDbChangeStamps
{
    private readonly LiteDbCounter _stamps;
    private readonly ConcurrentDictionary<string, long>? _raisedHere;

    public LiteDbChangeStamps(LiteDatabase database, bool soleWriter)
    {
        _stamps = new LiteDbCounter(database.GetCreatedCollection("customer_change_stamps"), "Stamp");
        _raisedHere = soleWriter ? new ConcurrentDictionary<string, long>(ReadCommitted(), StringComparer.Ordinal) : null;
    }

    /// <summary>Raises each project's stamp by one, in the caller's transaction; the stamps taken, by project.</summary>
    public IReadOnlyDictionary<string, long> Raise(IEnumerable<string> projectKeys)
    {
        var raised = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var project in projectKeys.Distinct(StringComparer.Ordinal))
        {
            var stamp = _stamps.Next(project);
            raised[project] = stamp;
            _raisedHere?.AddOrUpdate(project, stamp, (_, current) => Math.Max(current, stamp));
        }

        return raised;
    }

    public long Read(string projectKey) =>
        _raisedHere is { } raisedHere ? raisedHere.GetValueOrDefault(projectKey) : _stamps.Read(projectKey);

    /// <summary>From the file, so only committed stamps: what a full load of the index may claim to have caught up to.</summary>
    public IReadOnlyDictionary<string, long> ReadCommitted() => _stamps.ReadAll();
}
