using ServiceDesk.Directory.Customers;

namespace ServiceDesk.Directory.Suggestions;

/// <summary>
/// The picker's index, in memory: every customer's <see cref="SearchKeys"/> and each project's name order. It
/// only proposes candidates: <see cref="CustomerSuggester"/> confirms each against the store, so a customer
/// removed or changed elsewhere is never offered on the index's word. <see cref="SuggestionIndexFeed"/> keeps it
/// current: a full load at start and at intervals, this replica's own writes at once, other replicas' through a
/// Redis broadcast. Reads run in parallel; a write waits for them. Entries hold their customer's keys and ids, so a
/// look-up allocates nothing per entry it passes. Look-ups seek in sorted array copies of the two sets, made again by
/// the first look-up after a change: a SortedSet view counts its whole range when made, which at 100,000 customers
/// cost more than everything else a suggestion does.
/// </summary>
public sealed class SuggestionIndex
{
    private const string Upper = "\uffff";

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);

    /// <summary>Every search key of every customer, with the customer's place in that project's name order.</summary>
    private readonly SortedSet<Entry> _entries = new(EntryOrder.Instance);

    /// <summary>Every customer once per project, in <see cref="SearchKeys.NameOrder(string, Customer)"/>.</summary>
    private readonly SortedSet<Ranked> _nameOrder = new(RankedOrder.Instance);

    private readonly Dictionary<string, Indexed> _customers = new(StringComparer.Ordinal);
    private readonly Lock _copying = new();
    private volatile Sorted? _sorted;
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _loadStamp;

    private sealed record Entry(string Key, string NameOrder, string CustomerId);

    private sealed record Ranked(string NameOrder, string CustomerId, string[] Keys);

    private sealed record Indexed(long Version, Entry[] Entries, Ranked[] Ranks, long Stamp);

    private sealed record Sorted(Entry[] Entries, Ranked[] Ranks);

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
        Ranked[] ranks = [.. customer.ProjectKeys.Select(project => new Ranked(SearchKeys.NameOrder(project, customer), customer.Id, keys))];
        Entry[] entries =
        [
            .. customer.ProjectKeys.Zip(ranks).SelectMany(project =>
                keys.Where(key => key.StartsWith(project.First + ' ', StringComparison.Ordinal)).Select(key => new Entry(key, project.Second.NameOrder, customer.Id))),
        ];
        _lock.EnterWriteLock();
        try
        {
            if (_customers.TryGetValue(customer.Id, out var current))
            {
                // A version changes with every write: the same version is the same customer (a reload's usual case).
                if (current.Version >= customer.Version)
                {
                    _customers[customer.Id] = current with { Stamp = _loadStamp };
                    return;
                }

                RemoveEntries(current);
            }

            _entries.UnionWith(entries);
            _nameOrder.UnionWith(ranks);
            _sorted = null;
            _customers[customer.Id] = new Indexed(customer.Version, entries, ranks, _loadStamp);
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
    /// <see cref="SearchKeys.NameOrder(string, Customer)"/>, with a search key matching <paramref name="key"/>. Reads two
    /// ranges in lockstep: the key's entries (complete once exhausted, then ranked) and the project's customers in name
    /// order (complete at <paramref name="limit"/> matches). Whichever finishes first answers, so a rare key costs
    /// about its few entries and a common one (a first letter, a shared domain) about limit × customers ÷ matches steps.
    /// </summary>
    public IReadOnlyList<string> FindFirstByName(string projectKey, SearchKeyMatch key, int limit)
    {
        var upper = key.IsPrefix ? new Entry(key.Key + Upper, string.Empty, string.Empty) : new Entry(key.Key, Upper, string.Empty);
        var projectPrefix = SearchKeys.NameOrderPrefix(projectKey);
        var projectEnd = new Ranked(projectPrefix + Upper, string.Empty, []);
        _lock.EnterReadLock();
        try
        {
            var (entries, ranks) = SortedCopies();
            var entry = Seek(entries, new Entry(key.Key, string.Empty, string.Empty), EntryOrder.Instance);
            var rank = Seek(ranks, new Ranked(projectPrefix, string.Empty, []), RankedOrder.Instance);
            var matches = new List<Entry>();
            var firstInNameOrder = new List<string>(limit);
            for (; ; entry++, rank++)
            {
                if (entry == entries.Length || EntryOrder.Instance.Compare(entries[entry], upper) >= 0)
                {
                    return [.. matches.DistinctBy(match => match.CustomerId).OrderBy(match => match.NameOrder, StringComparer.Ordinal).Take(limit).Select(match => match.CustomerId)];
                }

                matches.Add(entries[entry]);
                if (rank == ranks.Length || RankedOrder.Instance.Compare(ranks[rank], projectEnd) >= 0)
                {
                    return firstInNameOrder;
                }

                if (ranks[rank].Keys.Any(key.Matches))
                {
                    firstInNameOrder.Add(ranks[rank].CustomerId);
                    if (firstInNameOrder.Count == limit)
                    {
                        return firstInNameOrder;
                    }
                }
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private void RemoveEntries(Indexed indexed)
    {
        _entries.ExceptWith(indexed.Entries);
        _nameOrder.ExceptWith(indexed.Ranks);
        _sorted = null;
    }

    /// <summary>The sorted copies; called under the read lock, so no write runs while they are made.</summary>
    private Sorted SortedCopies()
    {
        if (_sorted is { } sorted)
        {
            return sorted;
        }

        lock (_copying)
        {
            return _sorted ??= new Sorted([.. _entries], [.. _nameOrder]);
        }
    }

    /// <summary>The index of the first item not below <paramref name="lower"/>.</summary>
    private static int Seek<T>(T[] sorted, T lower, IComparer<T> order)
    {
        var at = Array.BinarySearch(sorted, lower, order);
        return at >= 0 ? at : ~at;
    }

    private sealed class EntryOrder : IComparer<Entry>
    {
        public static readonly EntryOrder Instance = new();

        public int Compare(Entry? x, Entry? y) =>
            string.CompareOrdinal(x!.Key, y!.Key) is var byKey and not 0 ? byKey : string.CompareOrdinal(x.NameOrder, y.NameOrder);
    }

    private sealed class RankedOrder : IComparer<Ranked>
    {
        public static readonly RankedOrder Instance = new();

        public int Compare(Ranked? x, Ranked? y) => string.CompareOrdinal(x!.NameOrder, y!.NameOrder);
    }
}
