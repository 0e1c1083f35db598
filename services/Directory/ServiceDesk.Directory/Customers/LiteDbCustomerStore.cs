using LiteDB;
using ServiceDesk.Directory.Suggestions;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Messaging.Publishing;

namespace ServiceDesk.Directory.Customers;

/// <summary>
/// Customers in the service's LiteDB file. Besides the profile, each document carries the keys its indexes
/// serve: per-project name order and address order, and organization address order. Search keys live twice:
/// in the document, and as the ids of a "customer_search" collection whose entries ("KEY␁SORT KEY␁ID") are
/// read from the index alone, several times cheaper than a document. Both are written in one transaction,
/// together with the change's events in the outbox. LiteDB transactions belong to the thread: nothing between
/// BeginTrans and Commit awaits.
/// </summary>
public sealed class LiteDbCustomerStore : ICustomerStore
{
    private const string Upper = "\uffff";
    private const char EntrySeparator = '\u0001';

    /// <summary>Search entries read per document of the name-order walk: roughly their cost ratio, measured at 100,000 customers.</summary>
    private const int EntriesPerDocument = 4;

    private readonly LiteDatabase _database;
    private readonly ILiteCollection<BsonDocument> _customers;
    private readonly ILiteCollection<BsonDocument> _searchEntries;
    private readonly LiteDbOutboxStore _outbox;

    public LiteDbCustomerStore(LiteDatabase database, LiteDbOutboxStore outbox)
    {
        _database = database;
        _outbox = outbox;
        _customers = database.GetCollection("customers");
        _searchEntries = database.GetCollection("customer_search");
        _customers.EnsureIndex("address", "$.Address", unique: true);
        _customers.EnsureIndex("project_name_order", "$.ProjectNameOrder[*]");
        _customers.EnsureIndex("project_address_order", "$.ProjectAddressOrder[*]");
        _customers.EnsureIndex("organization_address_order", "$.OrganizationAddressOrder");
    }

    public Task InsertAsync(Customer customer, IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            InTransaction(() =>
            {
                _customers.Insert(ToDocument(customer));
                _searchEntries.Insert(SearchEntries(customer));
                _outbox.Enqueue(events);
                return true;
            });
        }
        catch (LiteException exception) when (exception.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            throw AddressTaken(customer.Address);
        }

        return Task.CompletedTask;
    }

    public Task<Customer?> GetAsync(string id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_customers.FindById(id) is { } document ? ToCustomer(document) : null);
    }

    public Task<Customer?> FindByAddressAsync(string address, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_customers.FindOne(BsonExpression.Create("$.Address = @0", address)) is { } document ? ToCustomer(document) : null);
    }

    public Task<bool> ReplaceAsync(Customer customer, long expectedVersion, IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var document = ToDocument(customer);
        document.Remove("_id");
        var fields = document.Keys.ToArray();
        var transform = BsonExpression.Create(
            "{ " + string.Join(", ", fields.Select((field, i) => $"{field}: @{i}")) + " }",
            [.. fields.Select(field => document[field])]);
        try
        {
            return Task.FromResult(InTransaction(() =>
            {
                if (_customers.FindById(customer.Id) is not { } stored || stored["Version"].AsInt64 != expectedVersion)
                {
                    return false;
                }

                // The version check sits in the update's predicate, evaluated under the collection's write lock: a
                // writer that committed since the read above makes this update match nothing.
                if (_customers.UpdateMany(transform, BsonExpression.Create("_id = @0 AND Version = @1", customer.Id, expectedVersion)) == 0)
                {
                    return false;
                }

                _searchEntries.DeleteMany(BsonExpression.Create("_id IN @0", new BsonArray(SearchEntries(ToCustomer(stored)).Select(entry => entry["_id"]))));
                _searchEntries.Insert(SearchEntries(customer));
                _outbox.Enqueue(events);
                return true;
            }));
        }
        catch (LiteException exception) when (exception.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            throw AddressTaken(customer.Address);
        }
    }

    /// <summary>
    /// Deletes the customer, only at the version <paramref name="customer"/> has, with its search entries; false
    /// when it changed or is gone. Runs in the caller's transaction (a removal's).
    /// </summary>
    internal bool DeleteInTransaction(Customer customer)
    {
        if (_customers.DeleteMany(BsonExpression.Create("_id = @0 AND Version = @1", customer.Id, customer.Version)) == 0)
        {
            return false;
        }

        _searchEntries.DeleteMany(BsonExpression.Create("_id IN @0", new BsonArray(SearchEntries(customer).Select(entry => entry["_id"]))));
        return true;
    }

    public Task<IReadOnlyList<Customer>> ListAsync(string? projectKey, string? afterAddress, int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var page = projectKey is null
            ? AfterInIndexOrder("$.Address BETWEEN @0 AND @1", string.Empty, afterAddress, limit)
            : AfterInIndexOrder("$.ProjectAddressOrder[*] ANY BETWEEN @0 AND @1", $"{projectKey} ", afterAddress, limit);
        return Task.FromResult(page);
    }

    public Task<IReadOnlyList<Customer>> ListByOrganizationAsync(
        string organizationId, IReadOnlySet<string>? withinProjects, string? afterAddress, int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(AfterInIndexOrder(
            "$.OrganizationAddressOrder BETWEEN @0 AND @1",
            $"{organizationId} ",
            afterAddress,
            limit,
            withinProjects is null
                ? null
                : document => document["ProjectKeys"].AsArray is { Count: > 0 } keys && keys.All(key => withinProjects.Contains(key.AsString))));
    }

    /// <summary>
    /// Reads two ranges in lockstep: the matching search entries, index only (complete once exhausted; then
    /// ranked by the sort name they carry), and the project's customers in name order (complete once
    /// <paramref name="limit"/> of them match). Whichever finishes first answers, so a rare prefix costs about
    /// its few entries, and a common one (a first letter, a shared domain) about limit × (customers ÷ matches)
    /// documents, never every match's document.
    /// </summary>
    public Task<IReadOnlyList<Customer>> FindFirstByNameAsync(string projectKey, SearchKeyMatch key, int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var from = key.IsPrefix ? key.Key : key.Key + EntrySeparator;
        using var entries = _searchEntries.Query()
            .Where(BsonExpression.Create("_id BETWEEN @0 AND @1", from, from + Upper))
            .Select("$._id")
            .ToEnumerable()
            .GetEnumerator();
        // The walk reads only the fields it tests; the few customers it keeps are read whole at the end.
        using var inNameOrder = _customers.Query()
            .Where(BsonExpression.Create("$.ProjectNameOrder[*] ANY BETWEEN @0 AND @1", SearchKeys.NameOrderPrefix(projectKey), SearchKeys.NameOrderPrefix(projectKey) + Upper))
            .Select("{ _id: $._id, SearchKeys: $.SearchKeys }")
            .ToEnumerable()
            .GetEnumerator();
        var nameOrderOfMatches = new Dictionary<string, string>();
        var firstInNameOrder = new List<string>(limit);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var i = 0; i < EntriesPerDocument; i++)
            {
                if (!entries.MoveNext())
                {
                    return Task.FromResult(Read(nameOrderOfMatches.OrderBy(match => match.Value, _database.Collation).Take(limit).Select(match => match.Key)));
                }

                var (entryKey, sortKey, customerId) = ParseEntry(entries.Current["_id"].AsString);
                if (key.Matches(entryKey))
                {
                    nameOrderOfMatches.TryAdd(customerId, SearchKeys.NameOrder(projectKey, sortKey, customerId));
                }
            }

            if (!inNameOrder.MoveNext())
            {
                return Task.FromResult(Read(firstInNameOrder));
            }

            if (HasMatchingKey(inNameOrder.Current, key))
            {
                firstInNameOrder.Add(Id(inNameOrder.Current));
                if (firstInNameOrder.Count == limit)
                {
                    return Task.FromResult(Read(firstInNameOrder));
                }
            }
        }
    }

    /// <summary>
    /// The documents whose ordering key (prefix + address) follows the cursor, in index order. BETWEEN is an
    /// index range seek; a bare "&gt;" would walk the index from its start.
    /// </summary>
    /// <remarks>The optional <paramref name="filter"/> is applied while the range streams, so it reads only until the page is full.</remarks>
    private IReadOnlyList<Customer> AfterInIndexOrder(string betweenExpression, string prefix, string? afterAddress, int limit, Func<BsonDocument, bool>? filter = null)
    {
        var documents = _customers.Find(BsonExpression.Create(betweenExpression, prefix + (afterAddress ?? string.Empty), prefix + Upper));
        return
        [
            .. documents
                .DistinctBy(Id)
                .Where(document => document["Address"].AsString != afterAddress && (filter is null || filter(document)))
                .Take(limit)
                .Select(ToCustomer),
        ];
    }

    private static string Id(BsonDocument document) => document["_id"].AsString;

    private IReadOnlyList<Customer> Read(IEnumerable<string> ids) => [.. ids.Select(id => _customers.FindById(id)).OfType<BsonDocument>().Select(ToCustomer)];

    private T InTransaction<T>(Func<T> work)
    {
        _database.BeginTrans();
        try
        {
            var result = work();
            _database.Commit();
            return result;
        }
        catch
        {
            _database.Rollback();
            throw;
        }
    }

    private static IEnumerable<BsonDocument> SearchEntries(Customer customer)
    {
        var sortKey = SearchKeys.SortKey(customer.DisplayName);
        return SearchKeys.For(customer).Select(key => new BsonDocument { ["_id"] = $"{key}{EntrySeparator}{sortKey}{EntrySeparator}{customer.Id}" });
    }

    private static (string Key, string SortKey, string CustomerId) ParseEntry(string entry)
    {
        var first = entry.IndexOf(EntrySeparator, StringComparison.Ordinal);
        var last = entry.LastIndexOf(EntrySeparator);
        return (entry[..first], entry[(first + 1)..last], entry[(last + 1)..]);
    }

    /// <summary>Index ranges are read under the database's collation; this confirms a match ordinally.</summary>
    private static bool HasMatchingKey(BsonDocument document, SearchKeyMatch key) =>
        document["SearchKeys"].AsArray.Any(stored => key.Matches(stored.AsString));

    private AddressTakenException AddressTaken(string address) =>
        new(_customers.FindOne(BsonExpression.Create("$.Address = @0", address))["_id"].AsString);

    private static BsonDocument ToDocument(Customer customer) => new()
    {
        ["_id"] = customer.Id,
        ["Address"] = customer.Address,
        ["DisplayName"] = customer.DisplayName,
        ["OrganizationId"] = customer.OrganizationId,
        ["ProjectKeys"] = new BsonArray(customer.ProjectKeys.Select(key => new BsonValue(key))),
        ["CreatedAt"] = customer.CreatedAt.UtcDateTime,
        ["UpdatedAt"] = customer.UpdatedAt.UtcDateTime,
        ["Version"] = customer.Version,
        ["ProfileVersion"] = customer.ProfileVersion is { } profileVersion ? profileVersion : BsonValue.Null,
        ["ProfileUpdatedAt"] = customer.ProfileUpdatedAt is { } profileUpdatedAt ? profileUpdatedAt.UtcDateTime : BsonValue.Null,
        ["Memberships"] = new BsonArray(customer.Memberships.Select(membership => new BsonDocument
        {
            ["ProjectKey"] = membership.ProjectKey,
            ["JoinedAt"] = membership.JoinedAt.UtcDateTime,
            ["ProfileVersionAtJoin"] = membership.ProfileVersionAtJoin,
        })),
        ["SearchKeys"] = new BsonArray(SearchKeys.For(customer).Select(key => new BsonValue(key))),
        ["ProjectNameOrder"] = new BsonArray(customer.ProjectKeys.Select(project => new BsonValue(SearchKeys.NameOrder(project, customer)))),
        ["ProjectAddressOrder"] = new BsonArray(customer.ProjectKeys.Select(project => new BsonValue($"{project} {customer.Address}"))),
        ["OrganizationAddressOrder"] = customer.OrganizationId is null ? BsonValue.Null : $"{customer.OrganizationId} {customer.Address}",
    };

    private static Customer ToCustomer(BsonDocument document) => new(
        document["_id"].AsString,
        document["Address"].AsString,
        document["DisplayName"].AsString,
        document["OrganizationId"].IsNull ? null : document["OrganizationId"].AsString,
        [.. document["ProjectKeys"].AsArray.Select(key => key.AsString)],
        new DateTimeOffset(document["CreatedAt"].AsDateTime.ToUniversalTime()),
        new DateTimeOffset(document["UpdatedAt"].AsDateTime.ToUniversalTime()),
        document["Version"].AsInt64)
    {
        ProfileVersion = document["ProfileVersion"].IsNull ? null : document["ProfileVersion"].AsInt64,
        ProfileUpdatedAt = document["ProfileUpdatedAt"].IsNull ? null : new DateTimeOffset(document["ProfileUpdatedAt"].AsDateTime.ToUniversalTime()),
        Memberships = document["Memberships"].IsNull
            ? []
            : [.. document["Memberships"].AsArray.Select(membership => new ProjectMembership(
                membership["ProjectKey"].AsString,
                new DateTimeOffset(membership["JoinedAt"].AsDateTime.ToUniversalTime()),
                membership["ProfileVersionAtJoin"].AsInt64))],
    };
}
