using LiteDB;
using ServiceDesk.Directory.Erasure;
using ServiceDesk.Directory.Keys;
using ServiceDesk.Hosting.Validation;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Storage;
using ServiceDesk.Storage.LiteDb;

namespace ServiceDesk.Directory.Customers;

/// <summary>
/// Customers in the service's LiteDB file. Besides the profile, each document carries the keys its indexes
/// serve: per-project address order and organization address order. No search keys: the picker's index lives in
/// memory (<see cref="Suggestions.SuggestionIndex"/>), so the file holds no folded copies of names and addresses
/// to find customers by. A change is written in one transaction with its events in the outbox. LiteDB
/// transactions belong to the thread: nothing between BeginTrans and Commit awaits. Each write also raises the
/// change stamps of the customer's projects in its transaction (<see cref="LiteDbChangeStamps"/>).
/// </summary>
public sealed class LiteDbCustomerStore : ICustomerStore
{
    private const string Upper = "\uffff";

    /// <summary>Where files written before the index moved to memory kept the search keys, and the index that read them.</summary>
    private const string LegacySearchEntries = "customer_search";
    private const string LegacyNameOrderIndex = "project_name_order";
    private static readonly string[] LegacySearchFields = ["SearchKeys", "ProjectNameOrder"];

    private static readonly BsonExpression SummaryFields =
        BsonExpression.Create("{ _id: $._id, Address: $.Address, DisplayName: $.DisplayName, ProjectKeys: $.ProjectKeys }");

    private static readonly ParsedExpression ByIdAtVersion = new("_id = @0 AND Version = @1");

    private readonly LiteDatabase _database;
    private readonly ILiteCollection<BsonDocument> _customers;
    private readonly LiteDbOutboxStore _outbox;
    private readonly LiteDbChangeStamps _stamps;
    private readonly ILiteCollection<BsonDocument> _tombstones;
    private readonly TombstonePepper _pepper;

    /// <param name="storage">Whether this process is the file's only writer (a Direct connection, the default).</param>
    public LiteDbCustomerStore(LiteDatabase database, LiteDbOutboxStore outbox, TombstonePepper pepper, StorageOptions? storage = null)
    {
        _database = database;
        _outbox = outbox;
        _pepper = pepper;
        _tombstones = database.GetCreatedCollection(LiteDbErasureStore.TombstoneCollection);
        _stamps = new LiteDbChangeStamps(database, soleWriter: (storage?.LiteDbConnection ?? LiteDbConnectionMode.Direct) == LiteDbConnectionMode.Direct);
        _customers = database.GetCreatedCollection("customers");
        _customers.EnsureIndex("address", "$.Address", unique: true);
        _customers.EnsureIndex("project_address_order", "$.ProjectAddressOrder[*]");
        _customers.EnsureIndex("organization_address_order", "$.OrganizationAddressOrder");
        RemoveLegacySearchKeys();
    }

    public Task<IReadOnlyDictionary<string, long>> InsertAsync(Customer customer, IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken) =>
        InsertAsync(customer, null, events, cancellationToken);

    public Task<IReadOnlyDictionary<string, long>> InsertAsync(Customer customer, NewCustomerKey? key, IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(WriteUnlessAddressTaken(customer.Address, () => _database.InTransaction(() =>
        {
            _customers.Insert(ToDocument(customer));
            RefuseErasedAddress(customer.Address);
            if (key is not null)
            {
                LiteDbCustomerKeyStore.Insert(_database, key);
            }

            _outbox.Enqueue(events);
            return _stamps.Raise(customer.ProjectKeys);
        })));
    }

    public Task<Customer?> GetAsync(string id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_customers.FindOneById(id) is { } document ? ToCustomer(document) : null);
    }

    public Task<IReadOnlyDictionary<string, CustomerSummary>> GetSummariesAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Selecting the fields makes LiteDB stop reading each document after them (memberships and dates come later).
        var documents = ids.Count == 0
            ? []
            : _customers.Query()
                .Where(BsonExpression.Create("_id IN @0", new BsonArray(ids.Select(id => new BsonValue(id)))))
                .Select(SummaryFields)
                .ToEnumerable();
        return Task.FromResult<IReadOnlyDictionary<string, CustomerSummary>>(documents.Select(ToSummary).ToDictionary(summary => summary.Id, StringComparer.Ordinal));
    }

    /// <summary>
    /// Throws, rolling the caller's transaction back, when a removal tombstoned the address or the mailbox it reaches
    /// (<see cref="ReachedMailboxes"/>). Called after the write,
    /// which took the customers' write lock: a removal holds it from its delete to its commit, tombstones included,
    /// so a tombstone committed before is read here and none is committed between this check and the write's commit.
    /// </summary>
    private void RefuseErasedAddress(string address)
    {
        foreach (var mailbox in ReachedMailboxes.Of(address))
        {
            if (_tombstones.FindOneById(_pepper.HashAddress(mailbox)) is { } tombstone)
            {
                throw new AddressErasedException(tombstone["ErasureId"].AsString);
            }
        }
    }

    /// <summary>Whether a customer has the (normalised) address; for a transaction of the erasure store.</summary>
    internal bool HasAddress(string address) => _customers.AnyMatches(BsonExpression.Create("$.Address = @0", address));

    public Task<Customer?> FindByAddressAsync(string address, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_customers.FindOne(BsonExpression.Create("$.Address = @0", address)) is { } document ? ToCustomer(document) : null);
    }

    public Task<IReadOnlyDictionary<string, long>?> ReplaceAsync(Customer customer, long expectedVersion, IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var document = ToDocument(customer);
        document.Remove("_id");
        var fields = document.Keys.ToArray();
        var transform = BsonExpression.Create(
            "{ " + string.Join(", ", fields.Select((field, i) => $"{field}: @{i}")) + " }",
            [.. fields.Select(field => document[field])]);
        return Task.FromResult(WriteUnlessAddressTaken(customer.Address, () => _database.InTransaction(IReadOnlyDictionary<string, long>? () =>
        {
            if (_customers.FindOneById(customer.Id) is not { } stored || stored["Version"].AsInt64 != expectedVersion)
            {
                return null;
            }

            // The version check sits in the update's predicate, evaluated under the collection's write lock: a
            // writer that committed since the read above makes this update match nothing.
            if (_customers.UpdateMany(transform, ByIdAtVersion.With(customer.Id, expectedVersion)) == 0)
            {
                return null;
            }

            if (stored["Address"].AsString != customer.Address)
            {
                RefuseErasedAddress(customer.Address);
            }

            _outbox.Enqueue(events);
            return _stamps.Raise([.. ProjectKeysOf(stored), .. customer.ProjectKeys]);
        })));
    }

    /// <summary>
    /// Deletes the customer, only at the version <paramref name="customer"/> has, and raises its projects' change
    /// stamps; null when it changed or is gone. Runs in the caller's transaction (a removal's).
    /// </summary>
    internal IReadOnlyDictionary<string, long>? DeleteInTransaction(Customer customer) =>
        _customers.DeleteMany(ByIdAtVersion.With(customer.Id, customer.Version)) == 1
            ? _stamps.Raise(customer.ProjectKeys)
            : null;

    public Task<long> GetChangeStampAsync(string projectKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_stamps.Read(projectKey));
    }

    public Task<IReadOnlyDictionary<string, long>> GetChangeStampsAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_stamps.ReadCommitted());
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

    /// <summary>
    /// Once, on a file from before search keys left the store: drops the search entries, their index and the
    /// documents' copies, and checkpoints so no old bytes stay in the file or its log.
    /// </summary>
    private void RemoveLegacySearchKeys()
    {
        if (!_database.CollectionExists(LegacySearchEntries))
        {
            return;
        }

        _database.InTransaction(() =>
        {
            foreach (var document in _customers.FindAll().ToList())
            {
                if (LegacySearchFields.Count(document.Remove) > 0)
                {
                    _customers.Update(document);
                }
            }

            return true;
        });
        _customers.DropIndex(LegacyNameOrderIndex);
        // Last: until the collection is gone, a restart repeats the clean-up.
        _database.DropCollection(LegacySearchEntries);
        _database.Checkpoint();
    }

    /// <summary>
    /// When the unique address index refuses <paramref name="write"/>, names the customer holding the address; one removed
    /// between the refusal and the look-up left the address free (tombstoned, if a removal did it): tried again.
    /// </summary>
    private T WriteUnlessAddressTaken<T>(string address, Func<T> write) =>
        LiteDbUniqueKeys.Write(write, () => _customers.FindOne(BsonExpression.Create("$.Address = @0", address)) is { } holder
            ? new AddressTakenException(holder["_id"].AsString)
            : null);

    private static BsonDocument ToDocument(Customer customer)
    {
        var document = new BsonDocument
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
            ["ProjectAddressOrder"] = new BsonArray(customer.ProjectKeys.Select(project => new BsonValue($"{project} {customer.Address}"))),
            ["OrganizationAddressOrder"] = customer.OrganizationId is null ? BsonValue.Null : $"{customer.OrganizationId} {customer.Address}",
            ["DisplayNameChosenByCustomer"] = customer.DisplayNameChosenByCustomer,
            ["ProjectsLeftByStaff"] = new BsonArray(customer.ProjectsLeftByStaff.Select(key => new BsonValue(key))),
        };
        LiteDbProfileHistory.Write(customer.History, document);
        return document;
    }

    private static IEnumerable<string> ProjectKeysOf(BsonDocument document) => document["ProjectKeys"].AsArray.Select(key => key.AsString);

    private static CustomerSummary ToSummary(BsonDocument document) => new(
        document["_id"].AsString,
        document["Address"].AsString,
        document["DisplayName"].AsString,
        [.. document["ProjectKeys"].AsArray.Select(key => key.AsString)]);

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
        DisplayNameChosenByCustomer = document.TryGetValue("DisplayNameChosenByCustomer", out var chosen) && chosen.AsBoolean,
        ProjectsLeftByStaff = document.TryGetValue("ProjectsLeftByStaff", out var left) && left.IsArray ? [.. left.AsArray.Select(key => key.AsString)] : [],
        History = LiteDbProfileHistory.Read(document),
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
