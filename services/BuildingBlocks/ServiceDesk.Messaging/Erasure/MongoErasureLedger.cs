using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Inbox;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Storage.MongoDb;

namespace ServiceDesk.Messaging.Erasure;

public sealed class MongoErasureLedger(IMongoDatabase database, MongoOutboxStore outbox) : IErasureLedger, IMongoStore
{
    private const string CollectionName = "erasure_ledger";
    private const string ReinstatementsName = "erasure_reinstatements";

    private readonly IMongoCollection<LedgerDocument> _ledger = database.GetCollection<LedgerDocument>(CollectionName);
    private readonly IMongoCollection<ReinstatementDocument> _reinstated = database.GetCollection<ReinstatementDocument>(ReinstatementsName);

    public static IReadOnlyList<MongoIndex> Indexes { get; } =
    [
        new(CollectionName, MongoIndex.KeysOf.Ascending(nameof(LedgerDocument.CustomerId))),
        new(CollectionName, MongoIndex.KeysOf.Ascending(nameof(LedgerDocument.AddressHash))),
        new(CollectionName, MongoIndex.KeysOf.Ascending(nameof(LedgerDocument.FormerAddressHashes))),
    ];

    public async Task<ErasureRecord?> FindAsync(string requestId, CancellationToken cancellationToken) =>
        (await _ledger.Find(d => d.RequestId == requestId).FirstOrDefaultAsync(cancellationToken))?.ToRecord();

    public async Task<ErasureRecord> StartAsync(ErasureRecord started, CancellationToken cancellationToken)
    {
        try
        {
            await _ledger.InsertOneAsync(LedgerDocument.From(started), cancellationToken: cancellationToken);
            return started;
        }
        catch (MongoWriteException exception) when (exception.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            return (await FindAsync(started.RequestId, cancellationToken))!;
        }
    }

    public Task RecordPlannedAsync(string requestId, IReadOnlyDictionary<string, long> planned, CancellationToken cancellationToken) =>
        database.Client.InTransactionAsync(
            async (session, token) =>
            {
                var document = await _ledger.Find(session, d => d.RequestId == requestId).FirstOrDefaultAsync(token)
                    ?? throw new InvalidOperationException($"Erasure request {requestId} was never started here.");
                if (document.State != ErasureState.Completed)
                {
                    await _ledger.UpdateOneAsync(
                        session,
                        d => d.RequestId == requestId && d.State != ErasureState.Completed,
                        Builders<LedgerDocument>.Update.Set(d => d.Counts, ErasureCounts.Max(document.Counts, planned)),
                        cancellationToken: token);
                }

                return true;
            },
            cancellationToken);

    public Task<ErasureRecord> CompleteAsync(
        string requestId,
        IReadOnlyDictionary<string, long> counts,
        DateTimeOffset completedAt,
        Func<ErasureRecord, OutgoingEvent> receipt,
        EventContext? handled,
        CancellationToken cancellationToken) =>
        database.Client.InTransactionAsync(
            async (session, token) =>
            {
                if (handled is not null)
                {
                    await MongoInboxStore.RecordHandledAsync(database, session, handled, completedAt, token);
                }

                var document = await _ledger.Find(session, d => d.RequestId == requestId).FirstOrDefaultAsync(token)
                    ?? throw new InvalidOperationException($"Erasure request {requestId} was never started here.");
                if (document.State != ErasureState.Completed)
                {
                    document.State = ErasureState.Completed;
                    document.Counts = ErasureCounts.Max(document.Counts, counts);
                    document.CompletedAt = completedAt.UtcDateTime;
                    // A concurrent completion in between is a write conflict: the transaction runs again and finds it.
                    await _ledger.ReplaceOneAsync(session, d => d.RequestId == requestId && d.State != ErasureState.Completed, document, cancellationToken: token);
                }

                var record = document.ToRecord();
                await outbox.EnqueueAsync(session, [receipt(record)], token);
                return record;
            },
            cancellationToken);

    public Task<bool> IsCustomerErasedAsync(string customerId, CancellationToken cancellationToken) =>
        IsCustomerErasedAsync(null, customerId, cancellationToken);

    /// <summary>
    /// <see cref="IsCustomerErasedAsync(string, CancellationToken)"/> in <paramref name="session"/>'s transaction: a store of
    /// the same database checks a write against the ledger before it commits.
    /// </summary>
    public Task<bool> IsCustomerErasedAsync(IClientSessionHandle? session, string customerId, CancellationToken cancellationToken) =>
        Find(_ledger, session, Builders<LedgerDocument>.Filter.Eq(d => d.CustomerId, customerId)).AnyAsync(cancellationToken);

    public Task<bool> IsAddressErasedAsync(string addressHash, CancellationToken cancellationToken) => IsAddressErasedAsync(null, addressHash, cancellationToken);

    /// <summary><see cref="IsAddressErasedAsync(string, CancellationToken)"/> in <paramref name="session"/>'s transaction.</summary>
    public async Task<bool> IsAddressErasedAsync(IClientSessionHandle? session, string addressHash, CancellationToken cancellationToken)
    {
        var requests = await Find(_ledger, session, Builders<LedgerDocument>.Filter.Where(d => d.AddressHash == addressHash || d.FormerAddressHashes.Contains(addressHash)))
            .Project(d => d.RequestId).ToListAsync(cancellationToken);
        if (requests.Count == 0)
        {
            return false;
        }

        var reinstated = await Find(_reinstated, session, Builders<ReinstatementDocument>.Filter.In(d => d.RequestId, requests))
            .Project(d => d.RequestId).ToListAsync(cancellationToken);
        return requests.Except(reinstated, StringComparer.Ordinal).Any();
    }

    private static IFindFluent<T, T> Find<T>(IMongoCollection<T> collection, IClientSessionHandle? session, FilterDefinition<T> filter) =>
        session is null ? collection.Find(filter) : collection.Find(session, filter);

    public Task RecordReinstatedAsync(string requestId, DateTimeOffset reinstatedAt, CancellationToken cancellationToken) =>
        _reinstated.ReplaceOneAsync(
            d => d.RequestId == requestId,
            new ReinstatementDocument { RequestId = requestId, ReinstatedAt = reinstatedAt.UtcDateTime },
            new ReplaceOptions { IsUpsert = true },
            cancellationToken);

    [BsonIgnoreExtraElements]
    private sealed class ReinstatementDocument
    {
        [BsonId]
        public string RequestId { get; set; } = string.Empty;

        public DateTime ReinstatedAt { get; set; }
    }

    [BsonIgnoreExtraElements]
    private sealed class LedgerDocument
    {
        [BsonId]
        public string RequestId { get; set; } = string.Empty;

        public string CustomerId { get; set; } = string.Empty;

        public string AddressHash { get; set; } = string.Empty;

        public List<string> FormerAddressHashes { get; set; } = [];

        [BsonRepresentation(MongoDB.Bson.BsonType.String)]
        public ErasureMode Mode { get; set; }

        [BsonRepresentation(MongoDB.Bson.BsonType.String)]
        public ErasureState State { get; set; }

        public Dictionary<string, long> Counts { get; set; } = [];

        public DateTime ReceivedAt { get; set; }

        public DateTime? CompletedAt { get; set; }

        public static LedgerDocument From(ErasureRecord record) => new()
        {
            RequestId = record.RequestId,
            CustomerId = record.CustomerId,
            AddressHash = record.AddressHash,
            FormerAddressHashes = [.. record.FormerAddressHashes],
            Mode = record.Mode,
            State = record.State,
            Counts = new Dictionary<string, long>(record.Counts),
            ReceivedAt = record.ReceivedAt.UtcDateTime,
            CompletedAt = record.CompletedAt?.UtcDateTime,
        };

        public ErasureRecord ToRecord() => new(
            RequestId, CustomerId, AddressHash, Mode, State, Counts,
            new DateTimeOffset(DateTime.SpecifyKind(ReceivedAt, DateTimeKind.Utc)),
            CompletedAt is { } completed ? new DateTimeOffset(DateTime.SpecifyKind(completed, DateTimeKind.Utc)) : null)
        {
            FormerAddressHashes = FormerAddressHashes,
        };
    }
}
