using LiteDB;
using ServiceDesk.Contracts.Notification.V1;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Notification.Customers;
using ServiceDesk.Storage.LiteDb;

namespace ServiceDesk.Notification.Deliveries;

/// <summary>
/// Deliveries in the service's LiteDB file; "ListOrder" pages the log, "Status" and "NextAttemptAt" find what is due,
/// "MentionTokens" (multikey) and their version "MentionIndex" what names someone.
/// </summary>
public sealed class LiteDbDeliveryStore : IDeliveryStore
{
    /// <summary>
    /// A recipient's deliveries in list order, as one index's keys: through an index of the recipient alone LiteDB would
    /// read every delivery to them and sort them all, for each page. A removal finds the recipient's deliveries through
    /// it too (the range of the id and a slash; the index compares ignoring case, so the id is then checked as is).
    /// </summary>
    private const string RecipientOrder = "$.RecipientCustomerId + '/' + $.ListOrder";

    /// <summary>
    /// The index of the recipient alone, which files written before this version have: its keys are the prefixes of
    /// <see cref="RecipientOrder"/>'s, and each delivery added or deleted wrote its pages to the log too.
    /// </summary>
    private const string FormerRecipientIndex = "recipient";

    private static readonly ParsedExpression Leased = new("{ Due: @0, NextAttemptAt: @0 }");
    private static readonly ParsedExpression DueAt = new("_id = @0 AND $.Due = @1");

    private readonly LiteDatabase _database;
    private readonly LiteDbErasureLedger _ledger;
    private readonly LiteDbKnownCustomerStore _customers;
    private readonly MentionTokens _mentions;
    private readonly ILiteCollection<BsonDocument> _deliveries;

    public LiteDbDeliveryStore(LiteDatabase database, LiteDbErasureLedger ledger, LiteDbKnownCustomerStore customers, MentionTokens mentions)
    {
        _database = database;
        _ledger = ledger;
        _customers = customers;
        _mentions = mentions;
        _deliveries = database.GetCreatedCollection("deliveries");
        _deliveries.DropIndex(FormerRecipientIndex);
        _deliveries.EnsureIndex("list_order", "$.ListOrder");
        _deliveries.EnsureIndex("due", "$.Due");
        _deliveries.EnsureIndex("recipient_order", RecipientOrder);
        _deliveries.EnsureIndex("address_hash", "$.AddressHash");
        _deliveries.EnsureIndex("mention_tokens", "$.MentionTokens[*]");
        _deliveries.EnsureIndex("mention_index", "$.MentionIndex");
    }

    public Task<int> AddAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var added = 0;
        foreach (var delivery in deliveries)
        {
            var tokens = _mentions.Of(delivery.MentionTexts);
            var document = ToDocument(delivery);
            document["MentionTokens"] = new BsonArray(tokens.Select(token => new BsonValue(token)));
            document["MentionIndex"] = Delivery.MentionIndexVersion;
            try
            {
                // Checked after the insert, which took the deliveries' write lock: a removal recorded before the checks
                // is seen by them, one recorded after them reads the deliveries only once this transaction ended.
                var stored = _database.InTransactionUnlessNull(() =>
                {
                    _deliveries.Insert(document);
                    if (_ledger.IsCustomerErased(delivery.RecipientCustomerId) || _ledger.IsAddressErased(delivery.AddressHash))
                    {
                        return null;
                    }

                    return _customers.NameAnErased(tokens, delivery.TicketCreatedAt) ? throw new SummaryNamesErasedException(delivery.Id) : document;
                });
                added += stored is null ? 0 : 1;
            }
            catch (LiteException exception) when (exception.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
            {
                // Queued by an earlier delivery of the same event.
            }
        }

        return Task.FromResult(added);
    }

    /// <summary>Every delivery write takes the deliveries' write lock (<see cref="LiteDbTransactions.WaitForWriters"/>).</summary>
    public Task WaitForWritesAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _database.WaitForWriters(_deliveries);
        return Task.CompletedTask;
    }

    public Task<Delivery?> GetAsync(string id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_deliveries.FindOneById(id) is { } document ? ToDelivery(document) : null);
    }

    public Task<IReadOnlyList<Delivery>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var due = _deliveries.Query()
            .Where(BsonExpression.Create("$.Due BETWEEN 0 AND @0", now.ToUnixTimeMilliseconds()))
            .OrderBy("$.Due")
            .Limit(limit)
            .ToEnumerable()
            .Select(ToDelivery);
        return Task.FromResult<IReadOnlyList<Delivery>>([.. due]);
    }

    public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var next = _deliveries.Query().Where(BsonExpression.Create("$.Due >= 0")).OrderBy("$.Due").Limit(1).ToEnumerable().FirstOrDefault();
        return Task.FromResult(next is null ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds(next["Due"].AsInt64));
    }

    public Task<bool> TryLeaseAsync(Delivery delivery, DateTimeOffset until, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var leased = _deliveries.UpdateMany(
            Leased.With(until.ToUnixTimeMilliseconds()), DueAt.With(delivery.Id, delivery.NextAttemptAt.ToUnixTimeMilliseconds()));
        return Task.FromResult(leased == 1);
    }

    public Task<bool> UpdateAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_database.InTransaction(() =>
        {
            _deliveries.LockForWrite();
            if (_deliveries.FindOneById(delivery.Id) is not { } stored)
            {
                return false;
            }

            var document = ToDocument(delivery);
            document["MentionTokens"] = stored["MentionTokens"];
            document["MentionIndex"] = stored["MentionIndex"];
            return _deliveries.Update(document);
        }));
    }

    public Task<IReadOnlyList<Delivery>> ListAsync(DeliveryQuery query, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var before = query.BeforeListOrder ?? "\uffff";
        var deliveries = query.RecipientCustomerId is { } customerId
            ? _deliveries.Query()
                .Where(BsonExpression.Create($"{RecipientOrder} BETWEEN @0 AND @1", $"{customerId}/", $"{customerId}/{before}"))
                .OrderByDescending(RecipientOrder)
            : _deliveries.Query().Where(BsonExpression.Create("$.ListOrder < @0", before)).OrderByDescending("$.ListOrder");
        if (query.TicketId is { } ticketId)
        {
            deliveries = deliveries.Where(BsonExpression.Create("$.TicketId = @0", ticketId));
        }

        if (query.ProjectKeys is { } projectKeys)
        {
            deliveries = deliveries.Where(BsonExpression.Create("$.ProjectKey IN @0", new BsonArray(projectKeys.Select(key => new BsonValue(key)))));
        }

        // A recipient's range ends at the previous page's last delivery itself.
        var page = deliveries.Limit(query.Limit + 1).ToEnumerable().Select(ToDelivery).Where(delivery => delivery.ListOrder != query.BeforeListOrder);
        return Task.FromResult<IReadOnlyList<Delivery>>([.. page.Take(query.Limit)]);
    }

    public Task<IReadOnlyList<Delivery>> ListToRecipientAsync(string customerId, string addressHash, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var found = _deliveries.Find(BsonExpression.Create($"{RecipientOrder} BETWEEN @0 AND @1", $"{customerId}/", $"{customerId}/\uffff"))
            .Where(document => document["RecipientCustomerId"].AsString == customerId)
            .Concat(_deliveries.Find(BsonExpression.Create("$.AddressHash = @0", addressHash)))
            .Select(ToDelivery)
            .DistinctBy(delivery => delivery.Id);
        return Task.FromResult<IReadOnlyList<Delivery>>([.. found]);
    }

    public Task<IReadOnlyList<Delivery>> ListMentioningAsync(IReadOnlyCollection<IReadOnlyList<string>> tokenSets, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // One transaction, so one snapshot for both reads: a delivery the backfill indexes between them is found by one.
        return Task.FromResult(_database.InTransaction(IReadOnlyList<Delivery> () => [.. _deliveries.FindHoldingAll(tokenSets)
            .Concat(_deliveries.FindUnindexed(int.MaxValue, Delivery.MentionIndexVersion))
            .Select(ToDelivery)
            .DistinctBy(delivery => delivery.Id)]));
    }

    public Task<int> IndexMentionsAsync(int limit, Func<Delivery, IEnumerable<string?>> textsOf, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var unindexed = _deliveries.FindUnindexed(limit, Delivery.MentionIndexVersion).Select(ToDelivery).ToList();
        foreach (var delivery in unindexed)
        {
            _deliveries.UpdateMany(
                BsonExpression.Create("{ MentionTokens: @0, MentionIndex: @1 }", new BsonArray(_mentions.Of(textsOf(delivery)).Select(token => new BsonValue(token))), Delivery.MentionIndexVersion),
                BsonExpression.Create("_id = @0", delivery.Id));
        }

        return Task.FromResult(unindexed.Count);
    }

    public Task<int> DeleteAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // One commit for all: each commit writes the index pages it touched to the log again.
        return Task.FromResult(_database.InTransaction(() => ids.Count(id => _deliveries.Delete(id))));
    }

    private static BsonDocument ToDocument(Delivery delivery) => new()
    {
        ["_id"] = delivery.Id,
        ["TicketId"] = delivery.TicketId,
        ["ProjectKey"] = delivery.ProjectKey,
        ["RecipientCustomerId"] = delivery.RecipientCustomerId,
        ["ReporterCustomerId"] = delivery.ReporterCustomerId is { } reporter ? reporter : BsonValue.Null,
        ["RecipientAddress"] = delivery.RecipientAddress,
        ["RecipientName"] = delivery.RecipientName,
        ["AddressHash"] = delivery.AddressHash,
        ["Template"] = delivery.Template,
        ["Message"] = delivery.Message is { } message
            ? new BsonDocument { ["Subject"] = message.Subject, ["Text"] = message.Text, ["Html"] = message.Html }
            : BsonValue.Null,
        ["Status"] = (int)delivery.Status,
        ["Attempts"] = delivery.Attempts,
        ["NextAttemptAt"] = delivery.NextAttemptAt.ToUnixTimeMilliseconds(),
        // Set only while queued, so the "due" index holds just the outbox.
        ["Due"] = delivery.Status == DeliveryStatus.Queued ? delivery.NextAttemptAt.ToUnixTimeMilliseconds() : BsonValue.Null,
        ["CreatedAt"] = delivery.CreatedAt.ToUnixTimeMilliseconds(),
        ["SentAt"] = delivery.SentAt is { } sentAt ? sentAt.ToUnixTimeMilliseconds() : BsonValue.Null,
        ["LastError"] = delivery.LastError is { } error ? error : BsonValue.Null,
        ["ListOrder"] = delivery.ListOrder,
    };

    private static Delivery ToDelivery(BsonDocument document) => new()
    {
        Id = document["_id"].AsString,
        TicketId = document["TicketId"].AsString,
        ProjectKey = document["ProjectKey"].AsString,
        RecipientCustomerId = document["RecipientCustomerId"].AsString,
        ReporterCustomerId = document["ReporterCustomerId"].IsString ? document["ReporterCustomerId"].AsString : null,
        RecipientAddress = document["RecipientAddress"].AsString,
        RecipientName = document["RecipientName"].AsString,
        AddressHash = document["AddressHash"].AsString,
        Template = document["Template"].AsString,
        Message = document["Message"].IsDocument
            ? new RenderedMessage(document["Message"]["Subject"].AsString, document["Message"]["Text"].AsString, document["Message"]["Html"].AsString)
            : null,
        Status = (DeliveryStatus)document["Status"].AsInt32,
        Attempts = document["Attempts"].AsInt32,
        NextAttemptAt = DateTimeOffset.FromUnixTimeMilliseconds(document["NextAttemptAt"].AsInt64),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(document["CreatedAt"].AsInt64),
        SentAt = document["SentAt"].IsNull ? null : DateTimeOffset.FromUnixTimeMilliseconds(document["SentAt"].AsInt64),
        LastError = document["LastError"].IsNull ? null : document["LastError"].AsString,
    };
}
