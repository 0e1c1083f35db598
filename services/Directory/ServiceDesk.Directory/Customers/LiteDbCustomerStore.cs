using LiteDB;
using ServiceDesk.Directory.Suggestions;

namespace ServiceDesk.Directory.Customers;

/// <summary>
/// Customers in the service's LiteDB file. Besides the profile, each document carries the keys its indexes
/// serve: search keys, per-project name order and address order, and organization address order.
/// </summary>
public sealed class LiteDbCustomerStore : ICustomerStore
{
    private const string Upper = "\uffff";

    private readonly LiteDatabase _database;
    private readonly ILiteCollection<BsonDocument> _customers;

    public LiteDbCustomerStore(LiteDatabase database)
    {
        _database = database;
        _customers = database.GetCollection("customers");
        _customers.EnsureIndex("address", "$.Address", unique: true);
        _customers.EnsureIndex("search_keys", "$.SearchKeys[*]");
        _customers.EnsureIndex("project_name_order", "$.ProjectNameOrder[*]");
        _customers.EnsureIndex("project_address_order", "$.ProjectAddressOrder[*]");
        _customers.EnsureIndex("organization_address_order", "$.OrganizationAddressOrder");
    }

    public Task InsertAsync(Customer customer, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            _customers.Insert(ToDocument(customer));
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

    public Task<bool> ReplaceAsync(Customer customer, long expectedVersion, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var document = ToDocument(customer);
        document.Remove("_id");
        var fields = document.Keys.ToArray();
        // One UpdateMany is atomic under the collection's write lock: the version check and the write cannot interleave with another writer.
        var transform = BsonExpression.Create(
            "{ " + string.Join(", ", fields.Select((field, i) => $"{field}: @{i}")) + " }",
            [.. fields.Select(field => document[field])]);
        try
        {
            var updated = _customers.UpdateMany(transform, BsonExpression.Create("_id = @0 AND Version = @1", customer.Id, expectedVersion));
            return Task.FromResult(updated == 1);
        }
        catch (LiteException exception) when (exception.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            throw AddressTaken(customer.Address);
        }
    }

    public Task<IReadOnlyList<Customer>> ListAsync(string? projectKey, string? afterAddress, int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var page = projectKey is null
            ? AfterInIndexOrder("$.Address BETWEEN @0 AND @1", string.Empty, afterAddress, limit)
            : AfterInIndexOrder("$.ProjectAddressOrder[*] ANY BETWEEN @0 AND @1", $"{projectKey} ", afterAddress, limit);
        return Task.FromResult(page);
    }

    public Task<IReadOnlyList<Customer>> ListByOrganizationAsync(string organizationId, string? afterAddress, int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(AfterInIndexOrder("$.OrganizationAddressOrder BETWEEN @0 AND @1", $"{organizationId} ", afterAddress, limit));
    }

    public Task<IReadOnlyList<Customer>> FindFirstByNameAsync(string projectKey, SearchKeyMatch key, int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var range = key.IsPrefix
            ? BsonExpression.Create("$.SearchKeys[*] ANY BETWEEN @0 AND @1", key.Key, key.Key + Upper)
            : BsonExpression.Create("$.SearchKeys[*] ANY = @0", key.Key);
        var matches = Matching(_customers.Find(range), key).Take(SearchKeys.MaxMatchesRankedInMemory + 1).ToList();
        if (matches.Count <= SearchKeys.MaxMatchesRankedInMemory)
        {
            IReadOnlyList<Customer> ranked =
            [
                .. matches.Select(ToCustomer)
                    .OrderBy(customer => SearchKeys.NameOrder(projectKey, customer), _database.Collation)
                    .Take(limit),
            ];
            return Task.FromResult(ranked);
        }

        var inNameOrder = _customers.Find(BsonExpression.Create(
            "$.ProjectNameOrder[*] ANY BETWEEN @0 AND @1", $"{projectKey} ", $"{projectKey} {Upper}"));
        IReadOnlyList<Customer> first = [.. Matching(inNameOrder, key).Take(limit).Select(ToCustomer)];
        return Task.FromResult(first);
    }

    /// <summary>
    /// The documents whose ordering key (prefix + address) follows the cursor, in index order. BETWEEN is an
    /// index range seek; a bare "&gt;" would walk the index from its start.
    /// </summary>
    private IReadOnlyList<Customer> AfterInIndexOrder(string betweenExpression, string prefix, string? afterAddress, int limit)
    {
        var documents = _customers.Find(BsonExpression.Create(betweenExpression, prefix + (afterAddress ?? string.Empty), prefix + Upper));
        return
        [
            .. documents
                .DistinctBy(document => document["_id"].AsString)
                .Where(document => document["Address"].AsString != afterAddress)
                .Take(limit)
                .Select(ToCustomer),
        ];
    }

    private static IEnumerable<BsonDocument> Matching(IEnumerable<BsonDocument> documents, SearchKeyMatch key) =>
        documents
            .DistinctBy(document => document["_id"].AsString)
            .Where(document => document["SearchKeys"].AsArray.Any(stored => key.Matches(stored.AsString)));

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
        document["Version"].AsInt64);
}
