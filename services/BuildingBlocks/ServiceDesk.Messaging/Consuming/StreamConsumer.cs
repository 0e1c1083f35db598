using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using ServiceDesk.Hosting;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Messaging.Inbox;
using ServiceDesk.Messaging.Operations;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Messaging.Resilience;
using StackExchange.Redis;

namespace ServiceDesk.Messaging.Consuming;

/// <summary>
/// One replica reading one family through its service's consumer group. A round — on start, on every pub/sub
/// wake-up and at least every poll interval — retries this replica's failed entries that are due, claims
/// entries a crashed replica left pending too long, then reads everything new. So a missed publish costs
/// latency, never data. An entry is acknowledged only after its handler's effects are stored.
/// </summary>
internal sealed partial class StreamConsumer(
    EventFamily family, string consumerName, EventStreams streams, EventDispatcher dispatcher, DeadLetters deadLetters,
    IInboxStore inbox, EventBacklog backlog, MessagingMetrics metrics, EventLoopHealth health, MessagingOptions options,
    ServiceInfo service, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan InboxRetention = TimeSpan.FromDays(14);

    private readonly StreamKeys _keys = streams.Keys(family.Name);
    private readonly WakeSignal _wake = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _retryAt = new();
    private DateTimeOffset _nextMaintenance = DateTimeOffset.MinValue;

    /// <summary>The consumer that holds entries of a type no replica that read them knew.</summary>
    public const string UnknownTypeConsumer = "parked-unknown-type";

    private string Group => service.Name;

    private string LoopName => $"consumer:{family.Name}";

    public async Task RunAsync(IConnectionMultiplexer redis, CancellationToken stoppingToken)
    {
        var ready = false;
        var backoff = new RetryBackoff();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!ready)
                {
                    // Resubscribed by the client after every reconnect; the poll timer covers the gaps.
                    await redis.GetSubscriber().SubscribeAsync(_keys.Channel, (_, _) => _wake.Wake());
                    await streams.EnsureGroupAsync(_keys, Group);
                    ready = true;
                }

                await RoundAsync(stoppingToken);
                health.RoundSucceeded(LoopName);
                backoff.Reset();
                await _wake.WaitAsync(options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RedisServerException exception) when (exception.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
            {
                // The stream or group vanished (Redis lost its data): create the group again, from the start.
                ready = false;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // Nothing ends the loop: that would stop this family's delivery for good. Entries the failed
                // round had read stay pending with this replica and are read again first.
                health.RoundFailed(LoopName, exception);
                var delay = backoff.Next();
                if (TransientFailure.Is(exception))
                {
                    LogDependencyUnavailable(family.Name, exception.GetType().Name, delay.TotalMilliseconds);
                }
                else
                {
                    LogRoundFailed(exception, family.Name, delay.TotalMilliseconds);
                }

                await Task.Delay(delay, stoppingToken);
            }
        }
    }

    private async Task RoundAsync(CancellationToken cancellationToken)
    {
        var database = streams.Database;

        // This replica's own pending entries: the ones whose handler failed and are due for a retry.
        var own = await database.StreamReadGroupAsync(_keys.Stream, Group, consumerName, "0", options.BatchSize);
        foreach (var entry in own.Where(e => !_retryAt.TryGetValue(e.Id!, out var due) || due <= time.GetUtcNow()))
        {
            await ProcessAsync(entry, cancellationToken);
        }

        // Entries another replica took and never acknowledged (it crashed or hangs).
        var claimed = await database.StreamAutoClaimAsync(_keys.Stream, Group, consumerName, (long)options.ClaimAfter.TotalMilliseconds, "0-0", options.BatchSize);
        foreach (var entry in claimed.ClaimedEntries)
        {
            await ProcessAsync(entry, cancellationToken);
        }

        StreamEntry[] fresh;
        do
        {
            fresh = await database.StreamReadGroupAsync(_keys.Stream, Group, consumerName, StreamPosition.NewMessages, options.BatchSize);
            foreach (var entry in fresh)
            {
                await ProcessAsync(entry, cancellationToken);
            }
        }
        while (fresh.Length == options.BatchSize && !cancellationToken.IsCancellationRequested);

        // Not every round: a busy family wakes its consumers per event, and these are extra Redis round trips.
        if (time.GetUtcNow() >= _nextMaintenance)
        {
            _nextMaintenance = time.GetUtcNow() + options.TrimInterval;
            metrics.Record(await backlog.ReadAsync([family], Group));
            await streams.TrimAcknowledgedAsync(family.Name);
            await inbox.PruneAsync(time.GetUtcNow() - InboxRetention, cancellationToken);
        }
    }

    private async Task ProcessAsync(StreamEntry entry, CancellationToken cancellationToken)
    {
        var id = entry.Id.ToString();
        var envelope = EventDispatcher.TryParse(entry[EventStreams.EnvelopeField]);
        if (envelope is null)
        {
            // Unreadable: retrying cannot help.
            await deadLetters.MoveAsync(_keys, entry, new InvalidDataException("The entry holds no readable event envelope."), 1);
            metrics.DeadLettered(family.Name);
            LogDeadLettered(family.Name, id, 1);
            return;
        }

        var eventType = Any.GetTypeName(envelope.Payload.TypeUrl);
        if (family.Events.All(known => known.FullName != eventType))
        {
            // Written by a newer version of the family than this replica's: acknowledging it would drop it for the
            // whole group. It stays pending, parked with a consumer of its own (visible in XINFO CONSUMERS, and out
            // of this replica's own retries, which would keep it from ever looking idle); a replica that knows the
            // type claims it after ClaimAfter.
            await streams.Database.StreamClaimIdsOnlyAsync(_keys.Stream, Group, UnknownTypeConsumer, 0, [entry.Id]);
            metrics.UnknownType(family.Name);
            LogUnknownType(family.Name, envelope.EventId, eventType);
            return;
        }

        try
        {
            var context = new EventContext(envelope.EventId, envelope.Source, envelope.OccurredAt.ToDateTimeOffset(), family.Name, id);
            var outcome = await dispatcher.DispatchAsync(envelope, context, cancellationToken);
            await streams.Database.StreamAcknowledgeAsync(_keys.Stream, Group, entry.Id);
            if (_retryAt.TryRemove(id, out _))
            {
                await streams.Database.HashDeleteAsync(_keys.Attempts(Group), entry.Id);
            }

            metrics.Handled(family.Name);
            LogHandled(family.Name, envelope.EventId, outcome);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && !TransientFailure.Is(exception))
        {
            // Only the handler's own failures count towards the dead letters; an outage ends the round instead.
            metrics.Failed(family.Name);
            var attempts = await streams.Database.HashIncrementAsync(_keys.Attempts(Group), entry.Id);
            if (attempts >= options.MaxAttempts)
            {
                await deadLetters.MoveAsync(_keys, entry, exception, attempts);
                _retryAt.TryRemove(id, out _);
                metrics.DeadLettered(family.Name);
                LogDeadLettered(family.Name, id, attempts);
                return;
            }

            _retryAt[id] = time.GetUtcNow() + options.PollInterval * attempts;
            LogHandlerFailed(exception, family.Name, envelope.EventId, attempts, options.MaxAttempts);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event {EventId} from {Family}: {Outcome}")]
    private partial void LogHandled(string family, string eventId, DispatchOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handler for event {EventId} from {Family} failed (attempt {Attempt} of {MaxAttempts}); it will be retried")]
    private partial void LogHandlerFailed(Exception exception, string family, string eventId, long attempt, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Entry {EntryId} of {Family} moved to the dead letters after {Attempts} attempt(s)")]
    private partial void LogDeadLettered(string family, string entryId, long attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} from {Family} has a type this replica does not know ({EventType}); left pending for a replica that does")]
    private partial void LogUnknownType(string family, string eventId, string eventType);

    [LoggerMessage(Level = LogLevel.Error, Message = "A round of {Family} failed; retrying in {DelayMs} ms")]
    private partial void LogRoundFailed(Exception exception, string family, double delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A round of {Family} met an unavailable dependency ({Error}); retrying in {DelayMs} ms")]
    private partial void LogDependencyUnavailable(string family, string error, double delayMs);
}
