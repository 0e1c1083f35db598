using Microsoft.Extensions.Logging;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Directory.Customers;
using Customer = ServiceDesk.Directory.Customers.Customer;
using ServiceDesk.Directory.Keys;
using ServiceDesk.Directory.Suggestions;
using ServiceDesk.Hosting;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Hosting.Paging;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Publishing;
using DirectoryErasureMode = ServiceDesk.Contracts.Directory.V1.ErasureMode;
using EventErasureMode = ServiceDesk.Contracts.Events.V1.ErasureMode;

namespace ServiceDesk.Directory.Erasure;

/// <summary>
/// The removal protocol's coordinator. A removal tombstones the addresses, deletes the profile (with its
/// memberships and search entries, so the picker stops offering it at once), destroys the customer's key, keeps the
/// profile as it found it sealed under a key of the request (<see cref="RemovalProfile"/>, until the request completes)
/// and records the command for every other service, in one transaction; Directory's own part is thereby done and
/// recorded as its receipt. The other services' receipts are folded in as they arrive. Requests arrive validated
/// by the erasure validators; every rule about who may do what is here.
/// </summary>
public sealed class ErasureCoordinator(
    IErasureStore store,
    ICustomerStore customers,
    ICustomerKeyStore keys,
    TombstonePepper pepper,
    CustomerLookup lookup,
    ErasedAddresses tombstones,
    IntegrationEvents events,
    PageTokens pageTokens,
    SuggestionIndexFeed suggestions,
    ErasureSettings settings,
    TimeProvider time,
    ILogger<ErasureCoordinator> logger)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// <summary>Attempts at a change that lost a race with another writer before giving up with ABORTED.</summary>
    private const int MaxAttempts = 5;

    /// <summary>
    /// Admin only; the customer and the successor by their own ids or by ids scoped to a project, as admins may name
    /// customers elsewhere. NOT_FOUND for an unknown customer or successor; FAILED_PRECONDITION when already being removed.
    /// </summary>
    public async Task<ErasureRecord> RemoveCustomerAsync(Caller caller, RemoveCustomerRequest request, CancellationToken cancellationToken)
    {
        caller.RequireAdmin();
        var customerId = await lookup.OwnIdOfAsync(request.CustomerId, cancellationToken);
        var successor = await SuccessorAsync(customerId, await lookup.OwnIdOfAsync(request.SuccessorCustomerId, cancellationToken), cancellationToken);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var customer = await CustomerToRemoveAsync(customerId, cancellationToken);
            var formerAddresses = await tombstones.FormerAddressesToTombstoneAsync(customer, cancellationToken);
            var now = time.Now();
            var record = Removing(
                New(customer.Id, request.Mode, request.Reason, successor, caller.AccountId!, ErasureStatus.InProgress, now),
                customer,
                formerAddresses,
                now);
            var removalProfile = RemovalProfile.Of(customer, record.Id, keys, pepper);
            if (await store.RemoveCustomerAsync(
                    record, replacesVersion: null, customer, formerAddresses, removalProfile, [events.Prepare(Command(record, ParticipantsToNotify(record), removalProfile.Sealed, removalProfile.Digest))], cancellationToken)
                is { } stamps)
            {
                events.WakeRelay();
                await suggestions.RemovedAsync(record.CustomerId, stamps);
                logger.LogInformation("Erasure {ErasureId} removed customer {CustomerId} from Directory", record.Id, record.CustomerId);
                return record;
            }
        }

        throw new ConcurrencyConflictException("customer", request.CustomerId);
    }

    /// <summary>A signed-in customer, for themselves only; waits for an admin's decision.</summary>
    public async Task<ErasureRecord> RequestOwnRemovalAsync(Caller caller, RequestOwnRemovalRequest request, CancellationToken cancellationToken)
    {
        caller.RequireRole(CallerRole.Customer);
        var customerId = caller.CustomerId ?? throw new PermissionDeniedException("The caller's account is not linked to a customer profile.");
        await CustomerToRemoveAsync(customerId, cancellationToken);
        var record = New(customerId, request.Mode, ErasureReason.CustomerRequest, null, caller.AccountId!, ErasureStatus.AwaitingApproval, time.Now());
        return await store.InsertAwaitingAsync(record, cancellationToken)
            ? record
            : throw AlreadyBeingRemoved(await store.FindActiveForCustomerAsync(customerId, cancellationToken));
    }

    /// <summary>Admin only: a customer's own request proceeds as <see cref="RemoveCustomerAsync"/>.</summary>
    public async Task<ErasureRecord> ApproveAsync(Caller caller, string erasureId, CancellationToken cancellationToken)
    {
        caller.RequireAdmin();
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var awaiting = await AwaitingApprovalAsync(erasureId, cancellationToken);
            var customer = await customers.GetAsync(awaiting.CustomerId, cancellationToken)
                ?? throw new PreconditionFailedException("CUSTOMER_GONE", $"erasures/{erasureId}", $"The customer of erasure request '{erasureId}' no longer exists.");
            var formerAddresses = await tombstones.FormerAddressesToTombstoneAsync(customer, cancellationToken);
            var now = time.Now();
            var record = Removing(awaiting with { Status = ErasureStatus.InProgress, ApprovedBy = caller.AccountId }, customer, formerAddresses, now);
            var removalProfile = RemovalProfile.Of(customer, record.Id, keys, pepper);
            if (await store.RemoveCustomerAsync(
                    record, awaiting.Version, customer, formerAddresses, removalProfile, [events.Prepare(Command(record, ParticipantsToNotify(record), removalProfile.Sealed, removalProfile.Digest))], cancellationToken)
                is { } stamps)
            {
                events.WakeRelay();
                await suggestions.RemovedAsync(record.CustomerId, stamps);
                logger.LogInformation("Erasure {ErasureId} approved; customer {CustomerId} removed from Directory", record.Id, record.CustomerId);
                return record;
            }
        }

        throw new ConcurrencyConflictException("erasure", erasureId);
    }

    /// <summary>Admin only: a customer's own request is rejected, with a reason code; nothing is removed.</summary>
    public Task<ErasureRecord> RejectAsync(Caller caller, string erasureId, RejectionReason reason, CancellationToken cancellationToken)
    {
        caller.RequireAdmin();
        return ChangeAsync(
            erasureId,
            (record, now) => record.Status == ErasureStatus.AwaitingApproval
                ? (record with { Status = ErasureStatus.Rejected, Rejection = new ErasureDecision(caller.AccountId!, (int)reason, now) }).Touched(now)
                : throw NotAwaitingApproval(record),
            _ => [],
            liftTombstone: false,
            cancellationToken);
    }

    /// <summary>Admin only: sends the command again, with the removal's sealed profile, to every service that is not done.</summary>
    public async Task<ErasureRecord> RetryAsync(Caller caller, string erasureId, CancellationToken cancellationToken)
    {
        caller.RequireAdmin();
        // Kept while Ticketing or Notification is not done; Identity, retried alone, does not read it.
        var finalProfile = await store.FindRemovalProfileAsync(erasureId, cancellationToken);
        return await ChangeAsync(
            erasureId,
            (record, now) => record.Status is ErasureStatus.InProgress or ErasureStatus.Failed
                ? record.Retried(now)
                : throw new PreconditionFailedException("ERASURE_NOT_RETRYABLE", $"erasures/{erasureId}", $"Erasure request '{erasureId}' is {Describe(record.Status)}; only one in progress or failed can be retried."),
            retried => [events.Prepare(Command(retried, ParticipantsToNotify(retried), finalProfile, finalProfileDigest: []))],
            liftTombstone: false,
            cancellationToken);
    }

    /// <summary>
    /// Admin only: lifts the tombstones of a removed customer's addresses (the current one and the former ones the
    /// removal tombstoned), recording why, and tells the other services, which then stop refusing and suppressing them.
    /// Only once the removal is completed everywhere.
    /// </summary>
    public Task<ErasureRecord> ReinstateAddressAsync(Caller caller, string erasureId, ReinstatementReason reason, CancellationToken cancellationToken)
    {
        caller.RequireAdmin();
        return ChangeAsync(
            erasureId,
            (record, now) => record switch
            {
                { AddressHash: null } or { Reinstatement: not null } => throw new PreconditionFailedException(
                    "NOTHING_TO_REINSTATE", $"erasures/{erasureId}", $"Erasure request '{erasureId}' has no tombstone to lift: not removed yet, or already reinstated."),
                // A participant still to erase would take the address's next owner for the removed customer (it finds a
                // customer's deliveries and texts by the address too).
                { Status: not ErasureStatus.Completed } => throw new PreconditionFailedException(
                    "ERASURE_NOT_COMPLETED", $"erasures/{erasureId}", $"Erasure request '{erasureId}' is {Describe(record.Status)}: its addresses can be reinstated once every service has completed it (retry it first)."),
                _ => (record with { Reinstatement = new ErasureDecision(caller.AccountId!, (int)reason, now) }).Touched(now),
            },
            reinstated => [events.Prepare(new ErasedAddressesReinstated { RequestId = reinstated.Id })],
            liftTombstone: true,
            cancellationToken);
    }

    /// <summary>
    /// At start, for a removal command the "erasure" stream holds. A request the store lacks, or holds awaiting approval
    /// (approved after the backup it was restored from), is re-applied: the profile, memberships and key go again, the
    /// addresses are tombstoned again, and the other participants are asked again (they answer from their ledgers, so
    /// the request completes). It is recorded as the command describes it; who asked, who approved and why are not in
    /// the stream, so one the store lacked shows Directory as requester and no reason, and one awaiting approval
    /// Directory as approver. A request the store holds open (in progress or failed) has the command sent again, with
    /// its final profile while kept, to the participants still pending: a restore loses the receipts that came after
    /// the backup, and a participant that is done answers from its ledger. A command naming another customer than the
    /// stored request is not acted on.
    /// </summary>
    public async Task<ReplayOutcome> ReplayAsync(CustomerErasureRequested command, DateTimeOffset commandedAt, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var stored = await store.GetAsync(command.RequestId, cancellationToken);
            if (stored is not null && stored.CustomerId != command.CustomerId)
            {
                logger.LogWarning("The stream's command for erasure {ErasureId} names another customer than the stored request: not acted on", command.RequestId);
                return ReplayOutcome.None;
            }

            if (stored is { Status: ErasureStatus.InProgress or ErasureStatus.Failed })
            {
                return await AskPendingAgainAsync(stored, cancellationToken) ? ReplayOutcome.AskedAgain : ReplayOutcome.None;
            }

            if (stored is not null && stored.Status != ErasureStatus.AwaitingApproval)
            {
                return ReplayOutcome.None;
            }

            var customer = await customers.GetAsync(command.CustomerId, cancellationToken);
            var now = time.Now();
            var record = Reapplied(stored, command, customer, commandedAt, now);
            if (await store.ReapplyRemovalAsync(record, customer, [events.Prepare(Command(record, ParticipantsToNotify(record), finalProfile: null, finalProfileDigest: []))], cancellationToken) is { } stamps)
            {
                events.WakeRelay();
                if (customer is not null)
                {
                    await suggestions.RemovedAsync(customer.Id, stamps);
                }

                logger.LogWarning("Erasure {ErasureId} was missing from the restored store and is re-applied to customer {CustomerId}", record.Id, record.CustomerId);
                return ReplayOutcome.Reapplied;
            }
        }

        throw new ConcurrencyConflictException("erasure", command.RequestId);
    }

    private async Task<bool> AskPendingAgainAsync(ErasureRecord record, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> pending =
            [.. record.Participants.Where(participant => participant.Service != ServiceNames.Directory && participant.State == ParticipantState.Pending).Select(participant => participant.Service)];
        if (pending.Count == 0)
        {
            return false;
        }

        await events.PublishAsync(Command(record, pending, await store.FindRemovalProfileAsync(record.Id, cancellationToken), finalProfileDigest: []), cancellationToken);
        return true;
    }

    /// <summary>
    /// After a restore: lifts again the tombstones of a request whose reinstatement the "erasure" stream holds and the
    /// store lacks, recorded as Directory's with no reason (who decided and why are not in the stream); the other
    /// services hold it already. False when there is nothing to lift.
    /// </summary>
    public async Task<bool> ReinstateAgainAsync(string erasureId, DateTimeOffset reinstatedAt, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (await store.GetAsync(erasureId, cancellationToken) is not { AddressHash: not null, Reinstatement: null } record)
            {
                return false;
            }

            var reinstated = (record with { Reinstatement = new ErasureDecision(ServiceNames.Directory, (int)ReinstatementReason.Unspecified, reinstatedAt) }).Touched(time.Now());
            if (await store.ReplaceAsync(reinstated, record.Version, [], liftTombstone: true, cancellationToken))
            {
                logger.LogWarning("The reinstatement of erasure {ErasureId} was missing from the restored store and is applied again", erasureId);
                return true;
            }
        }

        throw new ConcurrencyConflictException("erasure", erasureId);
    }

    /// <summary>Admins any request; a customer only their own, any other id being NOT_FOUND as an unknown one.</summary>
    public async Task<ErasureRecord> GetAsync(Caller caller, string erasureId, CancellationToken cancellationToken)
    {
        caller.RequireRole(CallerRole.Admin, CallerRole.Customer);
        var record = await store.GetAsync(erasureId, cancellationToken);
        return record is not null && (caller.Role == CallerRole.Admin || record.CustomerId == caller.CustomerId) ? record : throw NotFound(erasureId);
    }

    /// <summary>
    /// Newest first: admins every request, a customer the requests about themselves only (as <see cref="GetAsync"/>), so
    /// that they can follow their own request, and read why it was rejected, without keeping its id.
    /// </summary>
    public async Task<(IReadOnlyList<ErasureRecord> Erasures, string NextPageToken)> ListAsync(Caller caller, ListErasuresRequest request, CancellationToken cancellationToken)
    {
        caller.RequireRole(CallerRole.Admin, CallerRole.Customer);
        // A customer account linked to no profile has no request about it: an id no request names.
        var customerId = caller.Role == CallerRole.Customer ? caller.CustomerId ?? string.Empty : null;
        var scope = $"ListErasures|{request.Status}|{request.Overdue}|{request.ParticipantOverdue}|{caller.PagingIdentity()}";
        var beforeId = request.PageToken.Length == 0
            ? null
            : pageTokens.PositionOf(request.PageToken, scope) ?? throw new ValidationException("page_token", "is not a token from a previous response to this caller and query");
        var size = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        var now = time.Now();
        var found = await store.ListAsync(
            new ErasureQuery(
                customerId,
                request.Status == ErasureStatus.Unspecified ? null : request.Status,
                request.Overdue ? now : null,
                request.ParticipantOverdue ? now - settings.ParticipantTimeout : null,
                beforeId,
                size + 1),
            cancellationToken);
        return found.Count > size ? ([.. found.Take(size)], pageTokens.Issue(found[size - 1].Id, scope)) : (found, string.Empty);
    }

    /// <summary>
    /// Folds a participant's receipt into its request. A receipt must come from the service it speaks for (the
    /// event's authenticated source); one for an unknown request, from a non-participant, or for Directory's own
    /// part (done synchronously) is ignored. The receipt's event is recorded as handled with the fold.
    /// </summary>
    public async Task ApplyReceiptAsync(ErasureReceipt receipt, EventContext context, CancellationToken cancellationToken)
    {
        var source = context.Source;
        if (receipt.Service != source || receipt.Service == ServiceNames.Directory || !ErasureRecord.ParticipantServices.Contains(receipt.Service))
        {
            logger.LogWarning("Ignored an erasure receipt for {Service} from {Source}", receipt.Service, source);
            return;
        }

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (await store.GetAsync(receipt.RequestId, cancellationToken) is not { } record)
            {
                logger.LogWarning("Ignored a receipt from {Service} for unknown erasure {ErasureId}", receipt.Service, receipt.RequestId);
                return;
            }

            var now = time.Now();
            var folded = record.WithReceipt(ReceiptOf(receipt, now), now);
            if (ReferenceEquals(folded, record) || await store.FoldReceiptAsync(folded, record.Version, context, cancellationToken))
            {
                return;
            }
        }

        throw new ConcurrencyConflictException("erasure", receipt.RequestId);
    }

    private static ParticipantRecord ReceiptOf(ErasureReceipt receipt, DateTimeOffset now) =>
        receipt.Outcome == ReceiptOutcome.Succeeded
            ? new ParticipantRecord(receipt.Service, ParticipantState.Done, receipt.Counts.ToDictionary(), null, now)
            : new ParticipantRecord(receipt.Service, ParticipantState.Failed, receipt.Counts.ToDictionary(), receipt.Error.Length == 0 ? "failed without a reason" : receipt.Error, now);

    private async Task<ErasureRecord> ChangeAsync(
        string erasureId,
        Func<ErasureRecord, DateTimeOffset, ErasureRecord> change,
        Func<ErasureRecord, IReadOnlyList<OutgoingEvent>> eventsOf,
        bool liftTombstone,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var record = await store.GetAsync(erasureId, cancellationToken) ?? throw NotFound(erasureId);
            var changed = change(record, time.Now());
            var outgoing = eventsOf(changed);
            if (await store.ReplaceAsync(changed, record.Version, outgoing, liftTombstone, cancellationToken))
            {
                if (outgoing.Count > 0)
                {
                    events.WakeRelay();
                }

                return changed;
            }
        }

        throw new ConcurrencyConflictException("erasure", erasureId);
    }

    private async Task<string?> SuccessorAsync(string customerId, string successorId, CancellationToken cancellationToken)
    {
        if (successorId.Length == 0)
        {
            return null;
        }

        // In any letter case: the LiteDB store finds an id so, and the successor is named by the id it stores.
        if (string.Equals(successorId, customerId, StringComparison.OrdinalIgnoreCase))
        {
            throw new ValidationException("successor_customer_id", "must be another customer than the one removed");
        }

        return (await customers.GetAsync(successorId, cancellationToken))?.Id
            ?? throw new NotFoundException("customer", successorId, "successor_customer_id");
    }

    /// <summary>The customer, unless already being removed (FAILED_PRECONDITION naming that request) or unknown (NOT_FOUND).</summary>
    private async Task<Customer> CustomerToRemoveAsync(string customerId, CancellationToken cancellationToken)
    {
        var active = await store.FindActiveForCustomerAsync(customerId, cancellationToken);
        if (active is not null)
        {
            throw AlreadyBeingRemoved(active);
        }

        return await customers.GetAsync(customerId, cancellationToken) ?? throw new NotFoundException("customer", customerId, "customer_id");
    }

    private async Task<ErasureRecord> AwaitingApprovalAsync(string erasureId, CancellationToken cancellationToken)
    {
        var record = await store.GetAsync(erasureId, cancellationToken) ?? throw NotFound(erasureId);
        return record.Status == ErasureStatus.AwaitingApproval ? record : throw NotAwaitingApproval(record);
    }

    private static ErasureRecord New(
        string customerId, DirectoryErasureMode mode, ErasureReason reason, string? successorId, string requestedBy, ErasureStatus status, DateTimeOffset now) =>
        new(
            Guid.CreateVersion7(now).ToString("N"),
            customerId,
            AddressHash: null,
            mode == DirectoryErasureMode.Unspecified ? DirectoryErasureMode.Anonymize : mode,
            reason,
            successorId,
            requestedBy,
            ApprovedBy: null,
            status,
            now,
            now + ErasureRecord.TimeToComply,
            CompletedAt: null,
            [.. ErasureRecord.ParticipantServices.Select(service => ParticipantRecord.Pending(service, now))],
            now,
            Version: 1);

    /// <summary>The request as the removal writes it: the addresses' tombstone hashes, and Directory's own part done, with its counts.</summary>
    private ErasureRecord Removing(ErasureRecord record, Customer customer, IReadOnlyList<FormerAddress> formerAddresses, DateTimeOffset now) =>
        RemovedFromDirectory(record, customer, tombstones.HashOf(customer.Address), [.. formerAddresses.Select(former => former.Hash)], now);

    /// <summary>The request as <see cref="ReplayAsync"/> re-applies it: from the one awaiting approval, or from the command alone.</summary>
    private static ErasureRecord Reapplied(ErasureRecord? awaiting, CustomerErasureRequested command, Customer? customer, DateTimeOffset commandedAt, DateTimeOffset now)
    {
        var record = awaiting is null
            ? New(
                command.CustomerId,
                command.Mode == EventErasureMode.Purge ? DirectoryErasureMode.Purge : DirectoryErasureMode.Anonymize,
                ErasureReason.Unspecified,
                command.SuccessorCustomerId.Length == 0 ? null : command.SuccessorCustomerId,
                ServiceNames.Directory,
                ErasureStatus.InProgress,
                commandedAt) with { Id = command.RequestId }
            : awaiting with { Status = ErasureStatus.InProgress, ApprovedBy = ServiceNames.Directory };
        return RemovedFromDirectory(record, customer, command.AddressHash.Length == 0 ? null : command.AddressHash, [.. command.FormerAddressHashes], now);
    }

    /// <summary>
    /// The request with its tombstone hashes and Directory's own part done, counting what the removal deletes
    /// (<paramref name="customer"/> when the store still holds them); the others' timeout counts from now, the command,
    /// not from a customer's own request.
    /// </summary>
    private static ErasureRecord RemovedFromDirectory(ErasureRecord record, Customer? customer, string? addressHash, IReadOnlyList<string> formerAddressHashes, DateTimeOffset now)
    {
        var directoryPart = new ParticipantRecord(
            ServiceNames.Directory,
            ParticipantState.Done,
            new Dictionary<string, long>
            {
                ["profiles_deleted"] = customer is null ? 0 : 1,
                ["memberships_deleted"] = customer?.ProjectKeys.Count ?? 0,
                ["customer_keys_destroyed"] = customer is null ? 0 : 1,
                ["addresses_tombstoned"] = (addressHash is null ? 0 : 1) + formerAddressHashes.Count,
            },
            null,
            now);
        return (record with
        {
            AddressHash = addressHash,
            FormerAddressHashes = formerAddressHashes,
            Participants = [.. record.Participants.Select(participant => participant.Service == ServiceNames.Directory ? directoryPart : participant with { UpdatedAt = now })],
        }).Touched(now);
    }

    private static IReadOnlyList<string> ParticipantsToNotify(ErasureRecord record) =>
        [.. record.Participants.Where(participant => participant.Service != ServiceNames.Directory && participant.State != ParticipantState.Done).Select(participant => participant.Service)];

    private static CustomerErasureRequested Command(ErasureRecord record, IReadOnlyList<string> participants, SealedData? finalProfile, byte[] finalProfileDigest) => new()
    {
        RequestId = record.Id,
        CustomerId = record.CustomerId,
        Mode = record.Mode == DirectoryErasureMode.Purge ? EventErasureMode.Purge : EventErasureMode.Anonymize,
        SuccessorCustomerId = record.SuccessorCustomerId ?? string.Empty,
        AddressHash = record.AddressHash ?? string.Empty,
        FormerAddressHashes = { record.FormerAddressHashes },
        Participants = { participants },
        Pseudonym = ErasureRecord.PseudonymOf(record.Id),
        FinalProfile = finalProfile,
        FinalProfileDigest = Google.Protobuf.ByteString.CopyFrom(finalProfileDigest),
    };

    private static NotFoundException NotFound(string erasureId) => new("erasure", erasureId, "erasure_id");

    private static PreconditionFailedException NotAwaitingApproval(ErasureRecord record) =>
        new("ERASURE_NOT_AWAITING_APPROVAL", $"erasures/{record.Id}", $"Erasure request '{record.Id}' is {Describe(record.Status)}, not awaiting approval.");

    private static PreconditionFailedException AlreadyBeingRemoved(ErasureRecord? existing) =>
        existing is null
            ? new("ALREADY_BEING_REMOVED", "customer", "The customer already has an open erasure request.")
            : new("ALREADY_BEING_REMOVED", $"erasures/{existing.Id}", $"The customer is already the subject of erasure request '{existing.Id}' ({Describe(existing.Status)}).");

    /// <summary>
    /// A status as people read it ("awaiting approval"): messages reach the console, a customer's included, where the
    /// enum's own spelling (AwaitingApproval) is code.
    /// </summary>
    private static string Describe(ErasureStatus status) => status switch
    {
        ErasureStatus.AwaitingApproval => "awaiting approval",
        ErasureStatus.InProgress => "in progress",
        ErasureStatus.Completed => "completed",
        ErasureStatus.Failed => "failed",
        ErasureStatus.Rejected => "rejected",
        _ => "in no known state",
    };
}

/// <summary>What <see cref="ErasureCoordinator.ReplayAsync"/> did with a command of the stream.</summary>
public enum ReplayOutcome
{
    None,
    Reapplied,
    AskedAgain,
}
