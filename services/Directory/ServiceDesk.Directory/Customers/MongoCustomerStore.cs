using MongoDB.Bson;
using MongoDB.Driver;
using ServiceDesk.Directory.Erasure;
using ServiceDesk.Directory.Keys;
using ServiceDesk.Hosting.Validation;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Storage.MongoDb;

namespace ServiceDesk.Directory.Customers;

/// <summary>
/// Customers in the service's MongoDB database. Indexes: the unique address; project + address and
/// organization + address (paging in address order). No search keys: the picker's index lives in memory. A change and its outbox events are written in one
/// transaction, so the server must be a replica set (a single-node one will do). Each write also raises the change
/// stamps of the customer's projects in its transaction (<see cref="MongoChangeStamps"/>).
/// </summary>
public sealed class MongoCustomerStore(IMongoDatabase database, MongoOutboxStore outbox, TombstonePepper pepper) : ICustomerStore, IMongoStore
{
    private const string CollectionName = "customers";

    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;
    private static readonly SortDefinition<BsonDocument> AddressOrder = Builders<BsonDocument>.Sort.Ascending("Address");
    private static readonly ProjectionDefinition<BsonDocument> SummaryFields =
        Builders<BsonDocument>.Projection.Include("Address").Include("DisplayName").Include("ProjectKeys");
    private static readonly ProjectionDefinition<BsonDocument> ProjectKeysAndAddress = Builders<BsonDocument>.Projection.Include("ProjectKeys").Include("Address");

    private readonly IMongoCollection<BsonDocument> _customers = database.GetCollection<BsonDocument>(CollectionName);
    private readonly IMongoCollection<BsonDocument> _tombstones = database.GetCollection<BsonDocument>(MongoErasureStore.TombstoneCollection);
    private readonly MongoIndexes _indexes = new(database, Indexes);
    private readonly MongoChangeStamps _stamps = new(database);

    public static IReadOnlyList<MongoIndex> Indexes { get; } =
    [
        new(CollectionName, MongoIndex.KeysOf.Ascending("Address"), new CreateIndexOptions { Name = "address", Unique = true }),
        new(CollectionName, MongoIndex.KeysOf.Ascending("ProjectKeys").Ascending("Address"), new CreateIndexOptions { Name = "project_address_order" }),
        new(CollectionName, MongoIndex.KeysOf.Ascending("OrganizationId").Ascending("Address"), new CreateIndexOptions { Name = "organization_address_order" }),
    ];

    public Task<IReadOnlyDictionary<string, long>> InsertAsync(Customer customer, IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken) =>
        InsertAsync(customer, null, events, cancellationToken);

    public async Task<IReadOnlyDictionary<string, long>> InsertAsync(Customer customer, NewCustomerKey? key, IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
    {
        await _indexes.EnsureCreatedAsync(cancellationToken);
        return await MongoUniqueKeys.WriteAsync(
            () => database.Client.InTransactionAsync(
                async (session, token) =>
                {
                    await _customers.InsertOneAsync(session, ToDocument(customer), cancellationToken: token);
                    await RefuseErasedAddressAsync(session, customer.Address, token);
                    if (key is not null)
                    {
                        await MongoCustomerKeyStore.InsertAsync(database, session, key, token);
                    }

                    await outbox.EnqueueAsync(session, events, token);
                    return await _stamps.RaiseAsync(session, customer.ProjectKeys, token);
                },
                cancellationToken),
            () => AddressTakenAsync(customer.Address, cancellationToken));
    }

    public async Task<Customer?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var document = await _customers.Find(Filter.Eq("_id", id)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : ToCustomer(document);
    }

    public async Task<IReadOnlyDictionary<string, CustomerSummary>> GetSummariesAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var documents = ids.Count == 0
            ? []
            : await _customers.Find(Filter.In("_id", ids)).Project<BsonDocument>(SummaryFields).ToListAsync(cancellationToken);
        return documents
            .Select(document => new CustomerSummary(
                document["_id"].AsString,
                document["Address"].AsString,
                document["DisplayName"].AsString,
                [.. document["ProjectKeys"].AsBsonArray.Select(key => key.AsString)]))
            .ToDictionary(summary => summary.Id, StringComparer.Ordinal);
    }

    /// <summary>
    /// Throws, aborting the transaction, when a removal tombstoned the address or the mailbox it reaches
    /// (<see cref="ReachedMailboxes"/>). Each tombstone's key is written, not
    /// only read: an empty claim inserted and deleted again in this transaction, so nothing of it is ever committed.
    /// MongoDB's transactions are snapshots that meet only on a key both write, and a removal tombstoning the
    /// address at this moment writes this one: one of the two meets a write conflict and runs again, reading the
    /// other's outcome (the removal then finds the address a customer's and writes nothing; this write finds the
    /// tombstone).
    /// </summary>
    private async Task RefuseErasedAddressAsync(IClientSessionHandle session, string address, CancellationToken cancellationToken)
    {
        foreach (var mailbox in ReachedMailboxes.Of(address))
        {
            await RefuseErasedMailboxAsync(session, mailbox, cancellationToken);
        }
    }

    private async Task RefuseErasedMailboxAsync(IClientSessionHandle session, string mailbox, CancellationToken cancellationToken)
    {
        var claim = Filter.Eq("_id", pepper.HashAddress(mailbox));
        var before = await _tombstones.FindOneAndUpdateAsync(
            session,
            claim,
            Builders<BsonDocument>.Update.SetOnInsert("ErasureId", BsonNull.Value),
            new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.Before },
            cancellationToken);
        if (before?["ErasureId"] is BsonString erasureId)
        {
            throw new AddressErasedException(erasureId.Value);
        }

        await _tombstones.DeleteOneAsync(session, claim & Filter.Eq("ErasureId", BsonNull.Value), cancellationToken: cancellationToken);
    }

    /// <summary>Whether a customer has the (normalised) address, read in a transaction of the erasure store.</summary>
    internal Task<bool> HasAddressAsync(IClientSessionHandle session, string address, CancellationToken cancellationToken) =>
        _customers.Find(session, Filter.Eq("Address", address)).AnyAsync(cancellationToken);

    public async Task<Customer?> FindByAddressAsync(string address, CancellationToken cancellationToken)
    {
        var document = await _customers.Find(Filter.Eq("Address", address)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : ToCustomer(document);
    }

    public async Task<IReadOnlyDictionary<string, long>?> ReplaceAsync(Customer customer, long expectedVersion, IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
    {
        await _indexes.EnsureCreatedAsync(cancellationToken);
        return await MongoUniqueKeys.WriteAsync(
            () => database.Client.InTransactionAsync(
                async Task<IReadOnlyDictionary<string, long>?> (session, token) =>
                {
                    var atVersion = Filter.Eq("_id", customer.Id) & Filter.Eq("Version", expectedVersion);
                    // The projects it leaves lose it too: read in the transaction, whose replace conflicts with any writer since.
                    var before = await _customers.Find(session, atVersion).Project<BsonDocument>(ProjectKeysAndAddress).FirstOrDefaultAsync(token);
                    if (before is null || (await _customers.ReplaceOneAsync(session, atVersion, ToDocument(customer), cancellationToken: token)).MatchedCount == 0)
                    {
                        return null;
                    }

                    if (before["Address"].AsString != customer.Address)
                    {
                        await RefuseErasedAddressAsync(session, customer.Address, token);
                    }

                    await outbox.EnqueueAsync(session, events, token);
                    return await _stamps.RaiseAsync(session, [.. before["ProjectKeys"].AsBsonArray.Select(key => key.AsString), .. customer.ProjectKeys], token);
                },
                cancellationToken),
            () => AddressTakenAsync(customer.Address, cancellationToken));
    }

    /// <summary>
    /// Deletes the customer, only at the version <paramref name="customer"/> has (its memberships are in the
    /// document), and raises its projects' change stamps. Null when it changed or is gone. Runs in the caller's
    /// transaction (a removal's).
    /// </summary>
    internal async Task<IReadOnlyDictionary<string, long>?> DeleteAsync(IClientSessionHandle session, Customer customer, CancellationToken cancellationToken) =>
        (await _customers.DeleteOneAsync(session, Filter.Eq("_id", customer.Id) & Filter.Eq("Version", customer.Version), cancellationToken: cancellationToken)).DeletedCount == 1
            ? await _stamps.RaiseAsync(session, customer.ProjectKeys, cancellationToken)
            : null;

    public Task<long> GetChangeStampAsync(string projectKey, CancellationToken cancellationToken) => _stamps.ReadAsync(projectKey, cancellationToken);

    public Task<IReadOnlyDictionary<string, long>> GetChangeStampsAsync(CancellationToken cancellationToken) => _stamps.ReadAllAsync(cancellationToken);

    public Task<IReadOnlyList<Customer>> ListAsync(string? projectKey, string? afterAddress, int limit, CancellationToken cancellationToken)
    {
        var filter = After(afterAddress);
        if (projectKey is not null)
        {
            filter &= Filter.Eq("ProjectKeys", projectKey);
        }

        return FindAsync(filter, AddressOrder, limit, cancellationToken);
    }

    public Task<IReadOnlyList<Customer>> ListByOrganizationAsync(
        string organizationId, IReadOnlySet<string>? withinProjects, string? afterAddress, int limit, CancellationToken cancellationToken)
    {
        var filter = Filter.Eq("OrganizationId", organizationId) & After(afterAddress);
        if (withinProjects is not null)
        {
            var projects = new BsonArray(withinProjects);
            filter &= Filter.In("ProjectKeys", withinProjects)
                & new BsonDocument("ProjectKeys", new BsonDocument("$not", new BsonDocument("$elemMatch", new BsonDocument("$nin", projects))));
        }

        return FindAsync(filter, AddressOrder, limit, cancellationToken);
    }

    private static FilterDefinition<BsonDocument> After(string? afterAddress) =>
        afterAddress is null ? Filter.Empty : Filter.Gt("Address", afterAddress);

    private async Task<IReadOnlyList<Customer>> FindAsync(
        FilterDefinition<BsonDocument> filter, SortDefinition<BsonDocument> sort, int limit, CancellationToken cancellationToken)
    {
        var documents = await _customers.Find(filter)
            .Sort(sort)
            .Limit(limit)
            .ToListAsync(cancellationToken);
        return [.. documents.Select(ToCustomer)];
    }

    private async Task<Exception?> AddressTakenAsync(string address, CancellationToken cancellationToken)
    {
        var existing = await _customers.Find(Filter.Eq("Address", address))
            .Project<BsonDocument>(Builders<BsonDocument>.Projection.Include("_id"))
            .FirstOrDefaultAsync(cancellationToken);
        return existing is null ? null : new AddressTakenException(existing["_id"].AsString);
    }

    private static BsonDocument ToDocument(Customer customer)
    {
        var document = new BsonDocument
        {
            ["_id"] = customer.Id,
            ["Address"] = customer.Address,
            ["DisplayName"] = customer.DisplayName,
            ["OrganizationId"] = customer.OrganizationId is null ? BsonNull.Value : customer.OrganizationId,
            ["ProjectKeys"] = new BsonArray(customer.ProjectKeys),
            ["CreatedAt"] = customer.CreatedAt.UtcDateTime,
            ["UpdatedAt"] = customer.UpdatedAt.UtcDateTime,
            ["Version"] = customer.Version,
            ["ProfileVersion"] = customer.ProfileVersion is { } profileVersion ? profileVersion : BsonNull.Value,
            ["ProfileUpdatedAt"] = customer.ProfileUpdatedAt is { } profileUpdatedAt ? profileUpdatedAt.UtcDateTime : BsonNull.Value,
            ["Memberships"] = new BsonArray(customer.Memberships.Select(membership => new BsonDocument
            {
                ["ProjectKey"] = membership.ProjectKey,
                ["JoinedAt"] = membership.JoinedAt.UtcDateTime,
                ["ProfileVersionAtJoin"] = membership.ProfileVersionAtJoin,
            })),
            ["DisplayNameChosenByCustomer"] = customer.DisplayNameChosenByCustomer,
            ["ProjectsLeftByStaff"] = new BsonArray(customer.ProjectsLeftByStaff),
        };
        MongoProfileHistory.Write(customer.History, document);
        return document;
    }

    private static Customer ToCustomer(BsonDocument document) => new(
        document["_id"].AsString,
        document["Address"].AsString,
        document["DisplayName"].AsString,
        document["OrganizationId"].IsBsonNull ? null : document["OrganizationId"].AsString,
        [.. document["ProjectKeys"].AsBsonArray.Select(key => key.AsString)],
        new DateTimeOffset(document["CreatedAt"].ToUniversalTime()),
        new DateTimeOffset(document["UpdatedAt"].ToUniversalTime()),
        document["Version"].ToInt64())
    {
        DisplayNameChosenByCustomer = document.GetValue("DisplayNameChosenByCustomer", false).AsBoolean,
        ProjectsLeftByStaff = document.GetValue("ProjectsLeftByStaff", BsonNull.Value) is BsonArray left ? [.. left.Select(key => key.AsString)] : [],
        History = MongoProfileHistory.Read(document),
        ProfileVersion = document.GetValue("ProfileVersion", BsonNull.Value) is { IsBsonNull: false } profileVersion ? profileVersion.ToInt64() : null,
        ProfileUpdatedAt = document.GetValue("ProfileUpdatedAt", BsonNull.Value) is { IsBsonNull: false } profileUpdatedAt
            ? new DateTimeOffset(profileUpdatedAt.ToUniversalTime())
            : null,
        Memberships = document.GetValue("Memberships", BsonNull.Value) is BsonArray memberships
            ? [.. memberships.Select(membership => new ProjectMembership(
                membership["ProjectKey"].AsString,
                new DateTimeOffset(membership["JoinedAt"].ToUniversalTime()),
                membership["ProfileVersionAtJoin"].ToInt64()))]
            : [],
    };
}
