using ServiceDesk.Directory.Customers;

namespace ServiceDesk.Directory.Suggestions;

/// <summary>
/// The picker's index, in memory: every customer's <see cref="SearchKeys"/>, in buckets by project, kind and the
/// term's first <see cref="BucketTermLength"/> characters, and what an answer shows of each (<see cref="CustomerSummary"/>).
/// <see cref="SuggestionIndexFeed"/> keeps it current: a full load at start and at intervals, this replica's own writes
/// at once, other replicas' through a Redis broadcast. Reads run in parallel; a write waits for them.
/// <para>
/// It knows, per project, the store's change stamp up to which it has applied every change (<see cref="ICustomerStore"/>):
/// the stamps of the changes applied one by one, counted only while they are contiguous (changes applied out of order
/// wait for the ones before them, a lost one until the next full load), and the stamps read just before a full load,
/// once it completes. When that is the stamp the store reads now, the index holds what the store holds for the
/// project and <see cref="CustomerSuggester"/> answers from it alone; otherwise it only proposes, and the store
/// confirms. So that an applied stamp means what it says, a change is applied only if some of its stamps are news
/// (a refresh that read the store before a later change the index already has never brings back an older state),
/// and a removed customer is never indexed again on a read older than its removal.
/// </para>
/// <para>
/// A bucket holds its keys (the entries whose term starts with the bucket's characters, terms shorter than that in
/// their own bucket) and, in name order, every customer with a key starting with them, including the keys of the
/// longer buckets below it ("j" holds everyone "jo" and "jos" hold). So a prefix of up to three characters is the
/// first customers of one bucket's name order, and a longer one merges the runs of the few distinct keys it matches,
/// or walks the bucket's keys and name order in lockstep: no look-up walks more than one bucket, however late in name
/// order its matches are. Look-ups seek in sorted array
/// copies of a bucket, made again by the first look-up after a write to that bucket only.
/// </para>
/// </summary>
public sealed class SuggestionIndex
{
    private const string Upper = "\uffff";

    /// <summary>Characters of a term that name its bucket: a picker's first keystrokes are answered from one bucket's head.</summary>
    private const int BucketTermLength = 3;

    /// <summary>Distinct keys in a look-up's range beyond which merging their runs costs more than walking the name order.</summary>
    private const int MaxMergedRuns = 16;

    private static readonly IReadOnlyDictionary<string, long> NoStamps = new Dictionary<string, long>();

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Indexed> _customers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StampProgress> _progress = new(StringComparer.Ordinal);

    /// <summary>Customers removed, with the load that was current then: kept until a load begun after the removal completes.</summary>
    private readonly Dictionary<string, long> _removed = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _loadStamp;

    /// <summary>The stamps the load under way started from: a change they cover is the load's to bring.</summary>
    private IReadOnlyDictionary<string, long> _loadingFrom = NoStamps;

    /// <summary>Stands for no customer in the bounds a look-up seeks with.</summary>
    private static readonly CustomerSummary NoCustomer = new(string.Empty, string.Empty, string.Empty, []);

    // Entries and ranks hold what an answer shows of their customer: a look-up hands it out without a dictionary read.
    private sealed record Entry(string Key, string NameOrder, CustomerSummary Customer);

    private sealed record Ranked(string NameOrder, string[] Keys, CustomerSummary Customer);

    /// <summary>What a customer put in which buckets: its entries by their own bucket, its rank in every bucket above a key.</summary>
    private sealed record Indexed(
        long Version, (Bucket Bucket, Entry Entry)[] Entries, (Bucket Bucket, Ranked Rank)[] Ranks, long Stamp);

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

    /// <summary>
    /// Whether the index has applied every change of the project up to <paramref name="storeStamp"/>, the project's
    /// change stamp as the store reads it now: then it holds what the store holds for the project.
    /// </summary>
    public bool IsCurrent(string projectKey, long storeStamp)
    {
        _lock.EnterReadLock();
        try
        {
            return CaughtUp(projectKey) == storeStamp;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Whether a full load could bring anything: before the first one; when some project's changes up to
    /// <paramref name="storeStamps"/> (every project's change stamp as the store reads it now) are not all applied (a
    /// lost broadcast); or while removals are remembered, which only a load begun after them forgets. Otherwise the
    /// index already holds what the store holds, and a load would read every customer to change nothing.
    /// </summary>
    public bool NeedsLoad(IReadOnlyDictionary<string, long> storeStamps)
    {
        _lock.EnterReadLock();
        try
        {
            return !IsLoaded || _removed.Count > 0
                || storeStamps.Any(stamp => CaughtUp(stamp.Key) < stamp.Value);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Whether every stamp of a change has been applied, in order or beyond a gap: the change is in the index, and any
    /// later one has stamps of its own, so reading the customer again for it would add nothing.
    /// </summary>
    public bool HasApplied(IReadOnlyDictionary<string, long> stamps)
    {
        _lock.EnterReadLock();
        try
        {
            return stamps.Count > 0 && stamps.All(stamp => _progress.TryGetValue(stamp.Key, out var progress) && progress.Has(stamp.Value));
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Adds or replaces the customer, unless the index already holds a newer version or it was removed.</summary>
    public void Upsert(Customer customer) => Changed(customer, NoStamps);

    /// <summary>
    /// A committed write left <paramref name="customer"/> as it is (or a later one did), with <paramref name="stamps"/>:
    /// indexed unless every stamp is already covered, then the stamps count as applied.
    /// </summary>
    public void Changed(Customer customer, IReadOnlyDictionary<string, long> stamps)
    {
        var keys = SearchKeys.For(customer).ToArray();
        var summary = new CustomerSummary(customer.Id, customer.Address, customer.DisplayName, customer.ProjectKeys);
        var entries = new List<(string, Entry)>();
        var ranks = new List<(string, Ranked)>();
        foreach (var project in customer.ProjectKeys)
        {
            var rank = new Ranked(SearchKeys.NameOrder(project, customer), keys, summary);
            var projectKeys = keys.Where(key => key.StartsWith(project + ' ', StringComparison.Ordinal)).ToArray();
            entries.AddRange(projectKeys.Select(key => (BucketOf(project, key), new Entry(key, rank.NameOrder, summary))));
            ranks.AddRange(projectKeys.SelectMany(key => BucketsAbove(project, key)).Distinct(StringComparer.Ordinal).Select(bucket => (bucket, rank)));
        }

        _lock.EnterWriteLock();
        try
        {
            if (!IsCovered(stamps) && !_removed.ContainsKey(customer.Id))
            {
                Index(customer, entries, ranks);
            }

            Applied(stamps);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public void Remove(string customerId) => Removed(customerId, NoStamps);

    /// <summary>A committed write deleted the customer, with <paramref name="stamps"/>: it is never indexed again on an older read.</summary>
    public void Removed(string customerId, IReadOnlyDictionary<string, long> stamps)
    {
        _lock.EnterWriteLock();
        try
        {
            _removed[customerId] = _loadStamp;
            if (_customers.Remove(customerId, out var current))
            {
                RemoveEntries(current);
            }

            Applied(stamps);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private void Index(Customer customer, List<(string, Entry)> entries, List<(string, Ranked)> ranks)
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

        // Entries refer to the bucket, not its name: a customer's key prefixes are not kept once each.
        var indexed = new Indexed(
            customer.Version,
            [.. entries.Select(pair => (BucketNamed(pair.Item1), pair.Item2))],
            [.. ranks.Select(pair => (BucketNamed(pair.Item1), pair.Item2))],
            _loadStamp);
        foreach (var (bucket, entry) in indexed.Entries)
        {
            bucket.Add(entry);
        }

        foreach (var (bucket, rank) in indexed.Ranks)
        {
            bucket.Add(rank);
        }

        _customers[customer.Id] = indexed;
    }

    /// <summary>
    /// Every stamp of the change is already applied, or is the load's under way to bring: its state is in the index
    /// or coming, and the read that brought it may be older than a later change (a deletion) the index already has.
    /// A change without stamps (a load's) is never covered.
    /// </summary>
    private bool IsCovered(IReadOnlyDictionary<string, long> stamps) =>
        stamps.Count > 0 && stamps.All(stamp =>
            stamp.Value <= Math.Max(CaughtUp(stamp.Key), _loadingFrom.GetValueOrDefault(stamp.Key)));

    /// <summary>The stamp up to which every change of the project is applied (0 before any); called under the lock.</summary>
    private long CaughtUp(string projectKey) => _progress.TryGetValue(projectKey, out var progress) ? progress.CaughtUp : 0;

    private void Applied(IReadOnlyDictionary<string, long> stamps)
    {
        foreach (var (project, stamp) in stamps)
        {
            ProgressOf(project).Applied(stamp);
        }
    }

    private StampProgress ProgressOf(string projectKey)
    {
        if (!_progress.TryGetValue(projectKey, out var progress))
        {
            _progress[projectKey] = progress = new StampProgress();
        }

        return progress;
    }

    /// <summary>
    /// Replaces the index with everything <paramref name="all"/> yields, read after <paramref name="storeStamps"/>
    /// (every project's change stamp, read first), while changes go on: a customer changed during the load is kept,
    /// one the load no longer saw is dropped, and once complete the index has applied every change up to those stamps.
    /// </summary>
    public async Task LoadAsync(IReadOnlyDictionary<string, long> storeStamps, IAsyncEnumerable<Customer> all, CancellationToken cancellationToken)
    {
        long stamp;
        _lock.EnterWriteLock();
        try
        {
            stamp = ++_loadStamp;
            _loadingFrom = storeStamps;
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        try
        {
            await foreach (var customer in all.WithCancellation(cancellationToken))
            {
                Upsert(customer);
            }
        }
        catch
        {
            _lock.EnterWriteLock();
            try
            {
                _loadingFrom = NoStamps;
            }
            finally
            {
                _lock.ExitWriteLock();
            }

            throw;
        }

        _lock.EnterWriteLock();
        try
        {
            foreach (var (id, stale) in _customers.Where(pair => pair.Value.Stamp < stamp).ToList())
            {
                _customers.Remove(id);
                RemoveEntries(stale);
            }

            foreach (var (project, loadedUpTo) in storeStamps)
            {
                ProgressOf(project).LoadedUpTo(loadedUpTo);
            }

            // Every change the load began after is covered now: no read older than a removal is applied any more.
            foreach (var id in _removed.Where(removal => removal.Value < stamp).Select(removal => removal.Key).ToList())
            {
                _removed.Remove(id);
            }

            _loadingFrom = NoStamps;
            _loaded.TrySetResult();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// The first <paramref name="limit"/> customers of the project, in
    /// <see cref="SearchKeys.NameOrder(string, Customer)"/>, with a search key matching <paramref name="key"/>, from the
    /// one bucket the key's term names. A prefix no longer than the bucket's characters is the head of its name order.
    /// Otherwise the key's entries are a range of the bucket's, sorted by key and then name order: when the range holds
    /// few distinct keys (an exact address, a whole name, a domain: the specific texts), their runs are merged in name
    /// order, a few entries each. With many, two ranges are read in lockstep: the key's entries (complete once
    /// exhausted, then ranked) and the bucket's customers in name order (complete at <paramref name="limit"/> matches).
    /// Whichever finishes first answers.
    /// </summary>
    public IReadOnlyList<CustomerSummary> FindFirstByName(string projectKey, SearchKeyMatch key, int limit)
    {
        var termLength = key.Key.Length - TermStart(projectKey);
        if (termLength <= 0)
        {
            return [];
        }

        var keysInBucket = !key.IsPrefix || termLength > BucketTermLength;
        _lock.EnterReadLock();
        try
        {
            if (!_buckets.TryGetValue(BucketOf(projectKey, key.Key), out var bucket))
            {
                return [];
            }

            var (entries, keyStarts, ranks) = bucket.SortedCopies();
            if (!keysInBucket)
            {
                return FirstInNameOrder(ranks, key, limit);
            }

            var first = Seek(entries, new Entry(key.Key, string.Empty, NoCustomer), 0, entries.Length, EntryOrder.Instance);
            var end = Seek(entries, key.IsPrefix ? new Entry(key.Key + Upper, string.Empty, NoCustomer) : new Entry(key.Key, Upper, NoCustomer), first, entries.Length, EntryOrder.Instance);
            return KeyRuns(keyStarts, first, end) is { } runs
                ? MergeInNameOrder(entries, runs, limit)
                : Lockstep(entries, first, end, ranks, key, limit);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// The runs of entries with one key each in <c>[first, end)</c>, both the start of a key's run (or the end of the
    /// entries), read off the bucket's key starts; null when there are more than <see cref="MaxMergedRuns"/>.
    /// </summary>
    private static List<(int Next, int End)>? KeyRuns(int[] keyStarts, int first, int end)
    {
        var from = Seek(keyStarts, first, 0, keyStarts.Length, Comparer<int>.Default);
        var to = Seek(keyStarts, end, from, keyStarts.Length, Comparer<int>.Default);
        if (to - from > MaxMergedRuns)
        {
            return null;
        }

        var runs = new List<(int, int)>(to - from);
        for (var run = from; run < to; run++)
        {
            runs.Add((keyStarts[run], run + 1 < to ? keyStarts[run + 1] : end));
        }

        return runs;
    }

    /// <summary>
    /// The first <paramref name="limit"/> customers over runs each in name order: a customer with several keys in them
    /// comes once, its entries having the same name order (which ends with its id).
    /// </summary>
    private static List<CustomerSummary> MergeInNameOrder(Entry[] entries, List<(int Next, int End)> runs, int limit)
    {
        var found = new List<CustomerSummary>(Math.Min(limit, 16));
        string? last = null;
        while (found.Count < limit)
        {
            var least = -1;
            for (var run = 0; run < runs.Count; run++)
            {
                if (runs[run].Next < runs[run].End
                    && (least < 0 || string.CompareOrdinal(entries[runs[run].Next].NameOrder, entries[runs[least].Next].NameOrder) < 0))
                {
                    least = run;
                }
            }

            if (least < 0)
            {
                break;
            }

            var entry = entries[runs[least].Next];
            runs[least] = (runs[least].Next + 1, runs[least].End);
            if (!string.Equals(entry.NameOrder, last, StringComparison.Ordinal))
            {
                found.Add(entry.Customer);
                last = entry.NameOrder;
            }
        }

        return found;
    }

    /// <summary>
    /// The key's entries in <c>[first, end)</c> and the bucket's name order read in lockstep: the entries are complete once
    /// exhausted (then ranked), the name order at <paramref name="limit"/> matches. Whichever finishes first answers.
    /// </summary>
    private static List<CustomerSummary> Lockstep(Entry[] entries, int first, int end, Ranked[] ranks, SearchKeyMatch key, int limit)
    {
        var firstInNameOrder = new List<CustomerSummary>(limit);
        for (var rank = 0; ; rank++)
        {
            if (first + rank == end)
            {
                return [.. entries[first..end].DistinctBy(match => match.Customer.Id).OrderBy(match => match.NameOrder, StringComparer.Ordinal).Take(limit).Select(match => match.Customer)];
            }

            if (rank == ranks.Length)
            {
                return firstInNameOrder;
            }

            if (AnyMatches(ranks[rank].Keys, key))
            {
                firstInNameOrder.Add(ranks[rank].Customer);
                if (firstInNameOrder.Count == limit)
                {
                    return firstInNameOrder;
                }
            }
        }
    }

    /// <summary>The first <paramref name="limit"/> customers of a name order with a key matching <paramref name="key"/>.</summary>
    private static List<CustomerSummary> FirstInNameOrder(Ranked[] ranks, SearchKeyMatch key, int limit)
    {
        var found = new List<CustomerSummary>(limit);
        for (var rank = 0; rank < ranks.Length && found.Count < limit; rank++)
        {
            if (AnyMatches(ranks[rank].Keys, key))
            {
                found.Add(ranks[rank].Customer);
            }
        }

        return found;
    }

    // A loop, not Keys.Any(key.Matches): that boxes the key and makes a delegate per customer walked.
    private static bool AnyMatches(string[] keys, SearchKeyMatch key)
    {
        foreach (var stored in keys)
        {
            if (key.Matches(stored))
            {
                return true;
            }
        }

        return false;
    }

    private static int TermStart(string projectKey) => projectKey.Length + 3;

    /// <summary>The bucket a key's entry lives in: "PROJECT KIND " and the term's first <see cref="BucketTermLength"/> characters.</summary>
    private static string BucketOf(string projectKey, string key) => key[..Math.Min(key.Length, TermStart(projectKey) + BucketTermLength)];

    /// <summary>The buckets whose name order holds a key's customer: one per leading 1 to <see cref="BucketTermLength"/> characters of its term.</summary>
    private static IEnumerable<string> BucketsAbove(string projectKey, string key)
    {
        for (var length = TermStart(projectKey) + 1; length <= Math.Min(key.Length, TermStart(projectKey) + BucketTermLength); length++)
        {
            yield return key[..length];
        }
    }

    private Bucket BucketNamed(string name)
    {
        if (!_buckets.TryGetValue(name, out var bucket))
        {
            _buckets[name] = bucket = new Bucket(name);
        }

        return bucket;
    }

    private void RemoveEntries(Indexed indexed)
    {
        foreach (var (bucket, entry) in indexed.Entries)
        {
            bucket.Remove(entry);
            DropIfEmpty(bucket);
        }

        foreach (var (bucket, rank) in indexed.Ranks)
        {
            bucket.Remove(rank);
            DropIfEmpty(bucket);
        }
    }

    private void DropIfEmpty(Bucket bucket)
    {
        if (bucket.IsEmpty)
        {
            _buckets.Remove(bucket.Name);
        }
    }

    /// <summary>The index of the first item in <c>[from, to)</c> not below <paramref name="lower"/>, or <paramref name="to"/>; <paramref name="sorted"/> holds no two equal items.</summary>
    private static int Seek<T>(T[] sorted, T lower, int from, int to, IComparer<T> order)
    {
        var at = Array.BinarySearch(sorted, from, to - from, lower, order);
        return at >= 0 ? at : ~at;
    }

    /// <summary>One project's applied stamps: every one up to <see cref="CaughtUp"/>, and those applied beyond a gap.</summary>
    private sealed class StampProgress
    {
        private readonly SortedSet<long> _beyondGap = [];

        public long CaughtUp { get; private set; }

        public void Applied(long stamp)
        {
            if (stamp > CaughtUp)
            {
                _beyondGap.Add(stamp);
                Advance();
            }
        }

        public bool Has(long stamp) => stamp <= CaughtUp || _beyondGap.Contains(stamp);

        public void LoadedUpTo(long stamp)
        {
            CaughtUp = Math.Max(CaughtUp, stamp);
            _beyondGap.RemoveWhere(applied => applied <= CaughtUp);
            Advance();
        }

        private void Advance()
        {
            while (_beyondGap.Remove(CaughtUp + 1))
            {
                CaughtUp++;
            }
        }
    }

    /// <summary>One bucket's keys and name order; changed under the index's write lock, read under its read lock.</summary>
    private sealed class Bucket(string name)
    {
        private readonly SortedSet<Entry> _entries = new(EntryOrder.Instance);
        private readonly SortedSet<Ranked> _nameOrder = new(RankedOrder.Instance);
        private readonly Lock _copying = new();
        private volatile Sorted? _sorted;

        /// <summary>The entries in key order, where each key's run starts in them, and the name order.</summary>
        private sealed record Sorted(Entry[] Entries, int[] KeyStarts, Ranked[] Ranks);

        public string Name => name;

        public bool IsEmpty => _entries.Count == 0 && _nameOrder.Count == 0;

        public void Add(Entry entry)
        {
            _entries.Add(entry);
            _sorted = null;
        }

        public void Add(Ranked rank)
        {
            _nameOrder.Add(rank);
            _sorted = null;
        }

        public void Remove(Entry entry)
        {
            _entries.Remove(entry);
            _sorted = null;
        }

        public void Remove(Ranked rank)
        {
            _nameOrder.Remove(rank);
            _sorted = null;
        }

        /// <summary>The sorted copies; called under the read lock, so no write runs while they are made.</summary>
        public (Entry[] Entries, int[] KeyStarts, Ranked[] Ranks) SortedCopies()
        {
            if (_sorted is not { } sorted)
            {
                lock (_copying)
                {
                    sorted = _sorted ??= Copy();
                }
            }

            return (sorted.Entries, sorted.KeyStarts, sorted.Ranks);
        }

        private Sorted Copy()
        {
            Entry[] entries = [.. _entries];
            var keyStarts = new List<int>();
            for (var at = 0; at < entries.Length; at++)
            {
                if (at == 0 || !string.Equals(entries[at].Key, entries[at - 1].Key, StringComparison.Ordinal))
                {
                    keyStarts.Add(at);
                }
            }

            return new Sorted(entries, [.. keyStarts], [.. _nameOrder]);
        }
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
