using LiteDB;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Inbox;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Storage.LiteDb;

namespace ServiceDesk.Ticketing.Customers;

public sealed class LiteDbCustomerSnapshotStore(LiteDatabase database, LiteDbErasureLedger ledger) : ICustomerSnapshotStore
{
    private static readonly ParsedExpression AtOrAfterVersion = new("_id = @0 AND $.Version >= @1");
    private static readonly ParsedExpression ByIds = new("_id IN @0");

    private readonly ILiteCollection<BsonDocument> _snapshots = database.GetCreatedCollection("customer_snapshots");

    public Task<bool> SaveIfNewerAsync(CustomerSnapshot snapshot, bool createIfMissing, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // The usual case, a ticket's customer whose snapshot is current: a read instead of a transaction.
        if (_snapshots.AnyMatches(AtOrAfterVersion.With(snapshot.CustomerId, snapshot.Version)))
        {
            return Task.FromResult(false);
        }

        return Task.FromResult(database.InTransaction(() =>
        {
            // Locked before the reads: what they find is what every writer committed, and none commits until this ends
            // (read before the lock, a first snapshot inserted meanwhile once failed the erasure's pseudonym on the id).
            _snapshots.LockForWrite();
            var stored = _snapshots.FindOneById(snapshot.CustomerId) is { } document ? ToSnapshot(document) : null;
            if ((stored is null ? !createIfMissing : stored.Version >= snapshot.Version) || IsRefused(snapshot))
            {
                return false;
            }

            _snapshots.Upsert(ToDocument(stored is null ? snapshot : snapshot.Succeeding(stored)));
            return true;
        }));
    }

    public Task<bool> KeepFromEventAsync(CustomerSnapshot snapshot, EventContext handledEvent, DateTimeOffset handledAt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(database.InTransaction(() =>
        {
            LiteDbInboxStore.RecordHandled(database, handledEvent, handledAt);
            // Locked before the read: an erasure's pseudonym written between the read and the upsert would be replaced.
            _snapshots.LockForWrite();
            if ((_snapshots.FindOneById(snapshot.CustomerId) is { } stored && ToSnapshot(stored).KnowsAsMuchAs(snapshot.Version)) || IsRefused(snapshot))
            {
                return false;
            }

            _snapshots.Upsert(ToDocument(snapshot));
            return true;
        }));
    }

    /// <summary>Every snapshot write takes the snapshots' write lock before its checks (<see cref="LiteDbTransactions.WaitForWriters"/>).</summary>
    public Task WaitForWritesAsync(string customerId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        database.WaitForWriters(_snapshots);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, CustomerSnapshot>> GetManyAsync(IReadOnlyCollection<string> customerIds, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var documents = _snapshots.Find(ByIds.With(new BsonArray(customerIds.Distinct().Select(id => new BsonValue(id)))));
        // Read to the end here: the parsed expression holds the ids until the next call on this thread.
        return Task.FromResult<IReadOnlyDictionary<string, CustomerSnapshot>>(documents.Select(ToSnapshot).ToDictionary(snapshot => snapshot.CustomerId));
    }

    /// <summary>Under the snapshots' lock, in the write's transaction: a removal recorded, and the snapshot not its own.</summary>
    private bool IsRefused(CustomerSnapshot snapshot) => !snapshot.Erased && ledger.IsCustomerErased(snapshot.CustomerId);

    private static BsonDocument ToDocument(CustomerSnapshot snapshot)
    {
        var document = new BsonDocument
        {
            ["_id"] = snapshot.CustomerId,
            ["DisplayName"] = snapshot.DisplayName,
            ["Address"] = snapshot.Address,
            ["ProjectKeys"] = new BsonArray(snapshot.ProjectKeys.Select(key => new BsonValue(key))),
            ["Version"] = snapshot.Version,
            ["Erased"] = snapshot.Erased,
            ["DisplayNameChosenByCustomer"] = snapshot.DisplayNameChosenByCustomer,
            ["FromEvent"] = snapshot.FromEvent,
        };
        LiteDbProfileHistory.Write(snapshot.History, document);
        return document;
    }

    private static CustomerSnapshot ToSnapshot(BsonDocument document) => new(
        document["_id"].AsString,
        document["DisplayName"].AsString,
        document["Address"].AsString,
        [.. document["ProjectKeys"].AsArray.Select(key => key.AsString)],
        document["Version"].AsInt64,
        document.TryGetValue("Erased", out var erased) && erased.AsBoolean)
    {
        DisplayNameChosenByCustomer = document.TryGetValue("DisplayNameChosenByCustomer", out var chosen) && chosen.AsBoolean,
        FromEvent = document.TryGetValue("FromEvent", out var fromEvent) && fromEvent.AsBoolean,
        History = LiteDbProfileHistory.Read(document),
    };
}
