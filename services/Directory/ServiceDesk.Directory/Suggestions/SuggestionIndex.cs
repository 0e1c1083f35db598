using ServiceDesk.Directory.Customers;

namespace ServiceDesk.Directory.Suggestions;

/// <summary>
/// The picker's index, in memory: every customer's <see cref="SearchKeys"/> and each project's name order. It
/// only proposes candidates: <see cref="CustomerSuggester"/> confirms each against the store, so a customer
/// removed or changed elsewhere is never offered on the index's word. <see cref="SuggestionIndexFeed"/> keeps it
/// current: a full load at start and at intervals, this replica's own writes at once, other replicas' through a
/// Redis broadcast. Reads run in parallel; a write waits for them.
/// </summary>
public sealed class SuggestionIndex
{
    // An entry is "KEY␂NAME ORDER": the key's range lists the matching customers, each in the project's name order.
    private const char KeyEnd = '\u0002';
    private const string Upper = "\uffff";

    /// <summary>
    /// Matching entries read before a look-up gives up ranking them all and walks the project in name order
    /// instead, where a key this common finds its first matches within a few hundred customers.
    /// </summary>
    private const int RangeBudget = 2_000;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly SortedSet<string> _entries = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _nameOrder = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Indexed> _customers = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _loadStamp;

    private sealed record Indexed(long Version, string[] Keys, string[] NameOrders, string[] Entries, long Stamp);

    /// <summary>False until the first full load completed: until then the suggester waits for it.</summary>
    public bool IsLoaded => _loaded.Task.IsCompleted;

    /// <summary>Completes with the first full load.</summary>
    public Task Loaded => _loaded.Task;

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _customers.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Adds or replaces the customer, unless the index already holds a newer version.</summary>
    public void Upsert(Customer customer)
    {
        var keys = SearchKeys.For(customer).ToArray();
        string[] nameOrders = [.. customer.ProjectKeys.Select(project => SearchKeys.NameOrder(project, customer))];
        string[] entries =
        [
            .. customer.ProjectKeys.Zip(nameOrders).SelectMany(project =>
                keys.Where(key => key.StartsWith(project.First + ' ', StringComparison.Ordinal)).Select(key => key + KeyEnd + project.Second)),
        ];
        _lock.EnterWriteLock();
        try
        {
            if (_customers.TryGetValue(customer.Id, out var current))
            {
                if (current.Version > customer.Version)
                {
                    _customers[customer.Id] = current with { Stamp = _loadStamp };
                    return;
                }

                RemoveEntries(current);
            }

            _entries.UnionWith(entries);
            _nameOrder.UnionWith(nameOrders);
            _customers[customer.Id] = new Indexed(customer.Version, keys, nameOrders, entries, _loadStamp);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public void Remove(string customerId)
    {
        _lock.EnterWriteLock();
        try
        {
            if (_customers.Remove(customerId, out var current))
            {
                RemoveEntries(current);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// Replaces the index with everything <paramref name="all"/> yields, while writes go on: a customer this
    /// replica wrote during the load is kept, one the load no longer saw is dropped.
    /// </summary>
    public async Task LoadAsync(IAsyncEnumerable<Customer> all, CancellationToken cancellationToken)
    {
        long stamp;
        _lock.EnterWriteLock();
        try
        {
            stamp = ++_loadStamp;
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        await foreach (var customer in all.WithCancellation(cancellationToken))
        {
            Upsert(customer);
        }

        _lock.EnterWriteLock();
        try
        {
            foreach (var (id, stale) in _customers.Where(pair => pair.Value.Stamp < stamp).ToList())
            {
                _customers.Remove(id);
                RemoveEntries(stale);
            }

            _loaded.TrySetResult();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// The ids of the first <paramref name="limit"/> customers of the project, in
    /// <see cref="SearchKeys.NameOrder(string, Customer)"/>, with a search key matching <paramref name="key"/>.
    /// A rare key costs its few entries; a common one (a first letter, a shared domain) a walk in name order that
    /// stops at <paramref name="limit"/> matches.
    /// </summary>
    public IReadOnlyList<string> FindFirstByName(string projectKey, SearchKeyMatch key, int limit)
    {
        var from = key.IsPrefix ? key.Key : key.Key + KeyEnd;
        _lock.EnterReadLock();
        try
        {
            var matches = new List<string>(Math.Min(RangeBudget, 64));
            foreach (var entry in _entries.GetViewBetween(from, from + Upper))
            {
                if (matches.Count == RangeBudget)
                {
                    return WalkInNameOrder(projectKey, key, limit);
                }

                matches.Add(entry[(entry.IndexOf(KeyEnd) + 1)..]);
            }

            return [.. matches.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(limit).Select(IdOf)];
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private List<string> WalkInNameOrder(string projectKey, SearchKeyMatch key, int limit)
    {
        var prefix = SearchKeys.NameOrderPrefix(projectKey);
        var found = new List<string>(limit);
        foreach (var order in _nameOrder.GetViewBetween(prefix, prefix + Upper))
        {
            var id = IdOf(order);
            if (_customers[id].Keys.Any(key.Matches))
            {
                found.Add(id);
                if (found.Count == limit)
                {
                    break;
                }
            }
        }

        return found;
    }

    private void RemoveEntries(Indexed indexed)
    {
        _entries.ExceptWith(indexed.Entries);
        _nameOrder.ExceptWith(indexed.NameOrders);
    }

    private static string IdOf(string nameOrder) => nameOrder[(nameOrder.LastIndexOf('\u0001') + 1)..];
}
