using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Messaging.Operations;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Messaging.Resilience;
using StackExchange.Redis;

namespace ServiceDesk.Messaging.Publishing;

/// <summary>
/// Moves events from the service's outbox to Redis, oldest first: an event is lost neither when the process
/// dies after the state change nor when Redis is down (it retries with back-off until Redis takes it). An
/// appended event stays in the outbox, marked with its entry id and the Redis run id, for the durability window:
/// when Redis runs under another run id (restarted, or a replica took over), each such event is appended again,
/// which appends only what the server lost (<see cref="EventStreams.AppendAsync"/> appends an event once per
/// window), and events appended under the current run and older than the window are forgotten. Two relays (two
/// replicas) appending one row append it once.
/// </summary>
internal sealed partial class OutboxRelay(
    IOutboxStore outbox, EventStreams streams, OutboxSignal signal, MessagingMetrics metrics, EventLoopHealth health,
    IOptions<MessagingOptions> options, TimeProvider time, ILogger<OutboxRelay> logger) : BackgroundService
{
    private const string LoopName = "relay";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = new RetryBackoff();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var published = await PublishBatchAsync(stoppingToken);
                health.RoundSucceeded(LoopName);
                backoff.Reset();
                if (published == options.Value.BatchSize)
                {
                    continue;
                }

                await signal.Signal.WaitAsync(options.Value.RelayInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                health.RoundFailed(LoopName, exception);
                var delay = backoff.Next();
                LogPublishFailed(exception, exception.GetType().Name, delay.TotalMilliseconds);
                await Task.Delay(delay, stoppingToken);
            }
        }
    }

    private async Task<int> PublishBatchAsync(CancellationToken cancellationToken)
    {
        var runId = await streams.RunIdAsync();
        var unconfirmed = await outbox.ReadAppendedUnderOtherRunAsync(runId, options.Value.BatchSize, cancellationToken);
        foreach (var outgoing in unconfirmed)
        {
            if (await AppendAsync(outgoing, runId, cancellationToken))
            {
                metrics.Reappended(outgoing.Family);
                LogReappended(outgoing.EventId, outgoing.Family);
            }
        }

        var pending = await outbox.ReadPendingAsync(options.Value.BatchSize, cancellationToken);
        foreach (var outgoing in pending)
        {
            await AppendAsync(outgoing, runId, cancellationToken);
        }

        await outbox.ForgetAppendedAsync(runId, time.GetUtcNow() - options.Value.DurabilityWindow, cancellationToken);
        return Math.Max(unconfirmed.Count, pending.Count);
    }

    /// <returns>False when the event was in the stream already (kept across a restart, or appended by another replica's relay).</returns>
    private async Task<bool> AppendAsync(OutgoingEvent outgoing, string runId, CancellationToken cancellationToken)
    {
        var (entryId, appended) = await streams.AppendAsync(outgoing);
        await outbox.MarkAppendedAsync(outgoing.EventId, new AppendRecord(entryId.ToString(), runId, time.GetUtcNow()), cancellationToken);
        if (!appended)
        {
            return false;
        }

        metrics.Published(outgoing.Family);
        LogPublished(outgoing.EventType, outgoing.EventId, outgoing.Family, entryId.ToString());
        await WakeSubscribersAsync(outgoing, entryId);
        return true;
    }

    /// <summary>
    /// After the row is marked appended, and never failing the round: the event is in the stream, so a failed
    /// wake-up must not append it again; consumers still see it in their blocking reads.
    /// </summary>
    private async Task WakeSubscribersAsync(OutgoingEvent outgoing, RedisValue entryId)
    {
        try
        {
            await streams.WakeSubscribersAsync(outgoing.Family, entryId);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            metrics.WakeUpFailed(outgoing.Family);
            LogWakeUpFailed(outgoing.Family, outgoing.EventId, exception.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published {EventType} {EventId} to {Family} as {EntryId}")]
    private partial void LogPublished(string eventType, string eventId, string family, string entryId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} was missing from {Family} after a Redis restart; appended again")]
    private partial void LogReappended(string eventId, string family);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The wake-up for event {EventId} on {Family} was not published ({Error}); consumers read it from the stream")]
    private partial void LogWakeUpFailed(string family, string eventId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing from the outbox failed ({Error}); retrying in {DelayMs} ms")]
    private partial void LogPublishFailed(Exception exception, string error, double delayMs);
}
