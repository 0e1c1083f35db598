using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Operations;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Messaging.Resilience;

namespace ServiceDesk.Messaging.Erasure;

/// <summary>
/// This service's side of a removal: records the request in the ledger, runs the service's
/// <see cref="ICustomerErasure"/>, makes sure a LiteDB file keeps no trace of what was erased, and sends the receipt.
/// A request completed before gets its recorded receipt again, without erasing again. The LiteDB checkpoint
/// (<see cref="ErasureCheckpoint"/>) is taken when the erasure counted something (an erasure counts what it deletes or
/// overwrites), or when an earlier attempt may have erased; a first run that found nothing wrote nothing to clean away.
/// </summary>
public sealed partial class CustomerErasureHandler(
    ICustomerErasure erasure,
    IErasureLedger ledger,
    IntegrationEvents events,
    ServiceInfo service,
    IServiceProvider services,
    MessagingMetrics metrics,
    TimeProvider time,
    ILogger<CustomerErasureHandler> logger) : IIntegrationEventHandler<CustomerErasureRequested>
{
    /// <summary>Only Directory, the coordinator, orders removals: a command any other service appended is refused and counted.</summary>
    public Task HandleAsync(CustomerErasureRequested message, EventContext context, CancellationToken cancellationToken)
    {
        if (context.Source != ServiceNames.Directory)
        {
            metrics.Unauthenticated(context.Family);
            LogForeignCommand(context.EventId, context.Source);
            return Task.CompletedTask;
        }

        return EraseAsync(message, context, cancellationToken);
    }

    /// <summary>A request replayed from the stream at start, with no delivery to record in the inbox.</summary>
    public Task HandleAsync(CustomerErasureRequested message, CancellationToken cancellationToken) => EraseAsync(message, null, cancellationToken);

    private async Task EraseAsync(CustomerErasureRequested message, EventContext? handled, CancellationToken cancellationToken)
    {
        var scope = ErasureScope.From(message);
        var started = new ErasureRecord(scope.RequestId, scope.CustomerId, scope.AddressHash, scope.Mode, ErasureState.Started,
            new Dictionary<string, long>(), time.GetUtcNow())
        {
            FormerAddressHashes = scope.FormerAddressHashes,
        };
        try
        {
            // Recorded before the plan reads, so whatever the other paths add for the customer from now on is refused.
            // The ledger hands back the record it holds when an earlier run recorded the request: one that completed
            // gets its receipt again; any other may have erased and then failed or crashed before its checkpoint, or
            // (a second command for the request, handled concurrently) be erasing without its checkpoint yet.
            var recorded = await ledger.StartAsync(started, cancellationToken);
            if (recorded is { State: ErasureState.Completed })
            {
                await events.PublishAsync(Receipt(recorded), cancellationToken);
                LogReceiptResent(message.RequestId);
                return;
            }

            var resumed = !ReferenceEquals(recorded, started);
            var planning = time.GetTimestamp();
            var plan = await erasure.PlanAsync(scope, cancellationToken);
            var planned = time.GetTimestamp();
            if (plan.Counts.Values.Any(count => count > 0))
            {
                // So that a run after a crash between erasing and recording, or a concurrent run that plans after this one
                // erased (both find nothing left), reports what this one erases: the ledger completes with the larger counts.
                await ledger.RecordPlannedAsync(scope.RequestId, plan.Counts, cancellationToken);
            }

            var erased = await plan.ApplyAsync(cancellationToken);
            var applied = time.GetTimestamp();
            if (resumed || erased.Values.Any(count => count > 0))
            {
                await ErasureCheckpoint.RunWhereNeededAsync(services, cancellationToken);
            }

            var completed = await ledger.CompleteAsync(scope.RequestId, ErasureCounts.Max(plan.Counts, erased), time.GetUtcNow(), record => events.Prepare(Receipt(record)), handled, cancellationToken);
            events.WakeRelay();
            LogErased(scope.RequestId, scope.CustomerId, completed.Counts.Values.Sum(), Milliseconds(planning, planned), Milliseconds(planned, applied), Milliseconds(applied, time.GetTimestamp()));
        }
        catch (Exception exception) when (exception is not EventAlreadyHandledException && !cancellationToken.IsCancellationRequested && !TransientFailure.Is(exception))
        {
            // The consumer retries and finally dead-letters the entry; the coordinator learns of each failure meanwhile.
            try
            {
                await events.PublishAsync(Failed(scope.RequestId, exception), cancellationToken);
            }
            catch (Exception receiptFailure) when (!cancellationToken.IsCancellationRequested)
            {
                LogFailedReceiptNotRecorded(scope.RequestId, receiptFailure.GetType().Name);
            }

            throw;
        }
    }

    private ErasureReceipt Receipt(ErasureRecord record) => new()
    {
        RequestId = record.RequestId,
        Service = service.Name,
        Outcome = ReceiptOutcome.Succeeded,
        Counts = { record.Counts.ToDictionary() },
        CompletedAt = Timestamp.FromDateTimeOffset(record.CompletedAt ?? time.GetUtcNow()),
    };

    /// <summary>The reason names the kind of failure only: an exception's message may quote personal data.</summary>
    private ErasureReceipt Failed(string requestId, Exception exception) => new()
    {
        RequestId = requestId,
        Service = service.Name,
        Outcome = ReceiptOutcome.Failed,
        Error = $"{service.Name} could not erase the customer: {exception.GetType().Name}",
        CompletedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Erasure command {EventId} was published by {Source}, not by directory: refused")]
    private partial void LogForeignCommand(string eventId, string source);

    private long Milliseconds(long from, long to) => (long)time.GetElapsedTime(from, to).TotalMilliseconds;

    /// <summary>With how long each step took (the checkpoint is part of the last), so an operator sees where a slow removal spent its time.</summary>
    [LoggerMessage(Level = LogLevel.Information, Message = "Erasure request {RequestId} completed here for customer {CustomerId} ({Total} items; plan {PlanMs} ms, apply {ApplyMs} ms, checkpoint and receipt {CompleteMs} ms)")]
    private partial void LogErased(string requestId, string customerId, long total, long planMs, long applyMs, long completeMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The failure receipt of erasure request {RequestId} could not be recorded ({Error})")]
    private partial void LogFailedReceiptNotRecorded(string requestId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Erasure request {RequestId} was completed here before; its receipt is sent again")]
    private partial void LogReceiptResent(string requestId);
}
