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
/// The run id is read for that check only: after every reconnect and once per relay interval, not every round. An
/// event appended under a new run before the check is marked with the run read last, so the check finds it among
/// the events of another run and appends it again, which appends nothing.
/// </summary>
internal sealed partial class OutboxRelay(
    IOutboxStore outbox, EventStreams streams, IConnectionMultiplexer redis, OutboxSignal signal, MessagingMetrics metrics, EventLoopHealth health,
    IOptions<MessagingOptions> options, TimeProvider time, ILogger<OutboxRelay> logger) : BackgroundService
{
    private const string LoopName = "relay";

    /// <summary>The run id read at the last check; appends are marked with it until the next.</summary>
    private string? _runId;

    /// <summary>The Redis run under which no appended event of another run was left at the last check.</summary>
    private string? _checkedRunId;

    private DateTimeOffset _nextCheck = DateTimeOffset.MinValue;

    /// <summary>Set on a reconnect: the server may have restarted, so the next round checks at once.</summary>
    private volatile bool _reconnected;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        redis.ConnectionRestored += OnConnectionRestored;
        try
        {
            await RelayAsync(stoppingToken);
        }
        finally
        {
            redis.ConnectionRestored -= OnConnectionRestored;
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => _reconnected = true;

    private async Task RelayAsync(CancellationToken stoppingToken)
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
                // As the consumers log: an outage (Redis or the store unreachable) is expected and named by its type,
                // once per round of the back-off; anything else is a failure of the relay, with its stack.
                if (TransientFailure.Is(exception))
                {
                    LogPublishUnavailable(exception.GetType().Name, delay.TotalMilliseconds);
                }
                else
                {
                    LogPublishFailed(exception, delay.TotalMilliseconds);
                }

                await Task.Delay(delay, stoppingToken);
            }
        }
    }

    private async Task<int> PublishBatchAsync(CancellationToken cancellationToken)
    {
        var unconfirmed = 0;
        // Both look beyond the pending events, at every appended one still in the window (thousands in a busy outbox):
        // once per relay interval, after a reconnect, and until a check finds no more under another run.
        var runId = _runId;
        if (runId is null || runId != _checkedRunId || _reconnected || time.GetUtcNow() >= _nextCheck)
        {
            // Cleared first: a reconnect during this check, or a check that fails, makes the next round check again.
            _reconnected = false;
            _checkedRunId = null;
            runId = _runId = await streams.RunIdAsync();
            var stale = await outbox.ReadAppendedUnderOtherRunAsync(runId, options.Value.BatchSize, cancellationToken);
            foreach (var outgoing in await AppendAsync(stale, runId, cancellationToken))
            {
                metrics.Reappended(outgoing.Family);
                LogReappended(outgoing.EventId, outgoing.Family);
            }

            await outbox.ForgetAppendedAsync(runId, time.GetUtcNow() - options.Value.DurabilityWindow, cancellationToken);
            unconfirmed = stale.Count;
            if (stale.Count < options.Value.BatchSize)
            {
                _checkedRunId = runId;
                _nextCheck = time.GetUtcNow() + options.Value.RelayInterval;
            }
        }

        var pending = await outbox.ReadPendingAsync(options.Value.BatchSize, cancellationToken);
        await AppendAsync(pending, runId, cancellationToken);
        return Math.Max(unconfirmed, pending.Count);
    }

    /// <summary>
    /// Appends the events in order and marks them appended in one write; a crash before the mark appends them again,
    /// which appends nothing (<see cref="EventStreams.AppendAsync"/>). The append of each family's last event in the
    /// batch also wakes the family's subscribers, in the same round trip. A refused wake-up is counted and logged, never
    /// failing the round: the events are in the stream, and consumers still see them in their blocking reads.
    /// </summary>
    /// <returns>The events that were not in their streams yet (not kept across a restart, nor appended by another replica's relay).</returns>
    private async Task<IReadOnlyList<OutgoingEvent>> AppendAsync(IReadOnlyList<OutgoingEvent> events, string runId, CancellationToken cancellationToken)
    {
        var marks = new List<AppendedEvent>(events.Count);
        var appended = new List<OutgoingEvent>(events.Count);
        var lastOfFamily = events.Select((outgoing, index) => (outgoing.Family, index)).GroupBy(e => e.Family).Select(family => family.Max(e => e.index)).ToHashSet();
        for (var index = 0; index < events.Count; index++)
        {
            var outgoing = events[index];
            var (entryId, isNew, wakeUpRefused) = await streams.AppendAsync(outgoing, wakeSubscribers: lastOfFamily.Contains(index));
            marks.Add(new AppendedEvent(outgoing.EventId, new AppendRecord(entryId.ToString(), runId, time.GetUtcNow())));
            if (isNew)
            {
                appended.Add(outgoing);
                metrics.Published(outgoing.Family);
                LogPublished(outgoing.EventType, outgoing.EventId, outgoing.Family, entryId.ToString());
            }

            if (wakeUpRefused)
            {
                metrics.WakeUpFailed(outgoing.Family);
                LogWakeUpRefused(outgoing.Family, entryId.ToString());
            }
        }

        if (marks.Count > 0)
        {
            await outbox.MarkAppendedAsync(marks, cancellationToken);
        }

        return appended;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published {EventType} {EventId} to {Family} as {EntryId}")]
    private partial void LogPublished(string eventType, string eventId, string family, string entryId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} was missing from {Family} after a Redis restart; appended again")]
    private partial void LogReappended(string eventId, string family);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The wake-up for entry {EntryId} on {Family} was refused by Redis; consumers read it from the stream")]
    private partial void LogWakeUpRefused(string family, string entryId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing from the outbox met an unavailable dependency ({Error}); retrying in {DelayMs} ms")]
    private partial void LogPublishUnavailable(string error, double delayMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Publishing from the outbox failed; retrying in {DelayMs} ms")]
    private partial void LogPublishFailed(Exception exception, double delayMs);
}
