using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using ServiceDesk.Hosting;
using ServiceDesk.Messaging.Authenticity;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Messaging.Inbox;
using ServiceDesk.Messaging.Operations;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Messaging.Resilience;
using StackExchange.Redis;

namespace ServiceDesk.Messaging.Consuming;

/// <summary>
/// One replica reading one family through its service's consumer group. A round retries this replica's failed
/// entries that are due, claims entries a crashed replica left pending too long (every poll interval), trims
/// (every trim interval), then reads one batch of new entries — in a blocking read (<c>XREADGROUP ... BLOCK</c>
/// on a connection of its own) until one arrives, a retry falls due or the poll interval passes, unless the last
/// batch was full: delivery takes milliseconds and needs no wake-up message, and a busy stream gets one batch
/// per round, so it never holds off retries, claims or trimming. The wake-ups
/// published on the family's channel end the back-off after a failed round (once its first step has passed),
/// so a replica waiting out an outage resumes as soon as events flow again. An entry is acknowledged only after
/// its handler's effects are stored.
/// </summary>
internal sealed partial class StreamConsumer(
    EventFamily family, string consumerName, EventStreams streams, DedicatedRedisConnections connections, EventAuthenticator authenticator,
    EventDispatcher dispatcher, DeadLetters deadLetters,
    IInboxStore inbox, EventBacklog backlog, MessagingMetrics metrics, EventLoopHealth health, MessagingOptions options,
    ServiceInfo service, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan InboxRetention = TimeSpan.FromDays(14);

    /// <summary>How many new entries of an <see cref="EventFamily.Independent"/> family one replica handles at once.</summary>
    private const int IndependentEntriesInFlight = 16;

    private readonly StreamKeys _keys = streams.Keys(family.Name);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _retryAt = new();
    private readonly WakeSignal _wake = new();
    private ChannelMessageQueue? _wakeUps;
    private DateTimeOffset _nextMaintenance = DateTimeOffset.MinValue;
    private DateTimeOffset _nextClaim = DateTimeOffset.MinValue;

    /// <summary>The last read of new entries filled a whole batch: more are waiting, so the next one does not block.</summary>
    private bool _streamBusy;

    /// <summary>
    /// Whether this replica may hold pending entries it has not scheduled a retry for: at start (a run before a crash
    /// read them) and after a failed round (it may have read entries it did not finish). Otherwise every entry it
    /// read was acknowledged, dead-lettered or parked, or is in <see cref="_retryAt"/>, so a round without due
    /// retries skips the read of its own pending entries (one Redis round trip less per delivered entry) until
    /// <see cref="_nextOwnRead"/>.
    /// </summary>
    private bool _ownPendingUnknown = true;

    /// <summary>
    /// When this replica next reads its own pending entries regardless: at least once per poll interval, because only
    /// that read tells Redis the consumer is alive (a blocking read that finds nothing neither creates the consumer
    /// nor counts as seen), and the other replicas remove a consumer idle for longer (<see cref="EventStreams.RemoveGoneConsumersAsync"/>).
    /// </summary>
    private DateTimeOffset _nextOwnRead = DateTimeOffset.MinValue;

    /// <summary>Where the next claim scan starts: each XAUTOCLAIM examines a bounded slice of the pending list.</summary>
    private RedisValue _claimCursor = "0-0";

    /// <summary>The consumer that holds entries of a type no replica that read them knew.</summary>
    public const string UnknownTypeConsumer = "parked-unknown-type";

    private string Group => service.Name;

    private string LoopName => $"consumer:{family.Name}";

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var blocking = await connections.ConnectAsync($"consumer-{family.Name}", options.PollInterval);
        try
        {
            await RunRoundsAsync(blocking.GetDatabase(), stoppingToken);
        }
        finally
        {
            if (_wakeUps is not null)
            {
                await _wakeUps.UnsubscribeAsync();
            }

            // Not waiting for the blocking read in flight: it could hold the host's stop for a whole poll interval.
            await blocking.CloseAsync(allowCommandsToComplete: false);
            await blocking.DisposeAsync();
        }
    }

    private async Task RunRoundsAsync(IDatabase blocking, CancellationToken stoppingToken)
    {
        var ready = false;
        var backoff = new RetryBackoff();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!ready)
                {
                    await streams.EnsureGroupAsync(_keys, Group);
                    ready = true;
                    _wakeUps ??= await SubscribeToWakeUpsAsync();
                }

                await RoundAsync(blocking, stoppingToken);
                health.RoundSucceeded(LoopName);
                backoff.Reset();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RedisServerException exception) when (exception.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
            {
                // The stream or group vanished (Redis lost its data): create the group again, from the start.
                ready = false;
                _ownPendingUnknown = true;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                _ownPendingUnknown = true;
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

                // A wake-up (an event was just appended) ends the rest of the back-off: Redis is back, or there
                // is new work worth another try. The first step always passes, so a stream of wake-ups during a
                // store outage costs at most a few rounds a second.
                var floor = delay < RetryBackoff.First ? delay : RetryBackoff.First;
                await Task.Delay(floor, stoppingToken);
                await _wake.WaitAsync(delay - floor, stoppingToken);
            }
        }
    }

    private async Task<ChannelMessageQueue?> SubscribeToWakeUpsAsync()
    {
        try
        {
            var queue = await streams.SubscribeAsync(family.Name);
            queue.OnMessage(_ => _wake.Wake());
            return queue;
        }
        catch (RedisException exception)
        {
            // An ACL user without the channel: delivery relies on the blocking reads alone.
            LogNotSubscribed(family.Name, exception.GetType().Name);
            return null;
        }
    }

    private async Task RoundAsync(IDatabase blocking, CancellationToken cancellationToken)
    {
        var database = streams.Database;

        // This replica's own pending entries: the ones whose handler failed and are due for a retry.
        if (_ownPendingUnknown || time.GetUtcNow() >= _nextOwnRead || _retryAt.Any(retry => retry.Value <= time.GetUtcNow()))
        {
            await ProcessOwnPendingAsync(database, cancellationToken);
        }

        // Entries another replica took and never acknowledged (it crashed or hangs): on a schedule of their own, not
        // once a busy stream runs dry; at once again while the last scan stopped short of the end of the pending list.
        if (time.GetUtcNow() >= _nextClaim)
        {
            var claimed = await database.StreamAutoClaimAsync(_keys.Stream, Group, consumerName, (long)options.ClaimAfter.TotalMilliseconds, _claimCursor, options.BatchSize);
            _claimCursor = claimed.NextStartId;
            _nextClaim = _claimCursor == "0-0" ? time.GetUtcNow() + options.PollInterval : time.GetUtcNow();
            foreach (var entry in claimed.ClaimedEntries)
            {
                await ProcessAsync(entry, cancellationToken);
            }
        }

        // Not every round: a busy family runs a round per batch it reads, and these are extra Redis round trips.
        if (time.GetUtcNow() >= _nextMaintenance)
        {
            _nextMaintenance = time.GetUtcNow() + options.TrimInterval;
            metrics.Record(await backlog.ReadAsync([family], Group));
            await streams.TrimAcknowledgedAsync(family.Name);
            // Longer idle than a live replica ever is: it reads its own pending entries at least once per PollInterval.
            await streams.RemoveGoneConsumersAsync(_keys, Group, options.ClaimAfter + options.PollInterval);
            await inbox.PruneAsync(time.GetUtcNow() - InboxRetention, cancellationToken);
        }

        // One batch of new entries per round, so a busy stream cannot hold off the retries, claims and trimming
        // above. The read waits here, not in a sleep: unless the last batch was full (more are waiting), it blocks
        // until an entry arrives, a retry is due or the poll interval passes.
        var fresh = _streamBusy
            ? await database.StreamReadGroupAsync(_keys.Stream, Group, consumerName, StreamPosition.NewMessages, options.BatchSize)
            : await ReadBlockingAsync(blocking, UntilNextRetry(), cancellationToken);
        _streamBusy = fresh.Length == options.BatchSize;
        if (family.Independent)
        {
            await Parallel.ForEachAsync(
                fresh, new ParallelOptions { MaxDegreeOfParallelism = IndependentEntriesInFlight, CancellationToken = cancellationToken },
                async (entry, token) => await ProcessAsync(entry, token));
            return;
        }

        foreach (var entry in fresh)
        {
            await ProcessAsync(entry, cancellationToken);
        }
    }

    private async Task ProcessOwnPendingAsync(IDatabase database, CancellationToken cancellationToken)
    {
        _nextOwnRead = time.GetUtcNow() + options.PollInterval;
        var own = await database.StreamReadGroupAsync(_keys.Stream, Group, consumerName, "0", options.BatchSize);
        if (own.Length < options.BatchSize)
        {
            // Retries of entries another replica claimed meanwhile are no longer this replica's to wait for.
            foreach (var gone in _retryAt.Keys.Except(own.Select(e => e.Id.ToString())))
            {
                _retryAt.TryRemove(gone, out _);
            }
        }

        foreach (var entry in own.Where(e => !_retryAt.TryGetValue(e.Id!, out var due) || due <= time.GetUtcNow()))
        {
            await ProcessAsync(entry, cancellationToken);
        }

        // Each was acknowledged, dead-lettered, parked or scheduled for a retry; a full batch may leave more behind.
        _ownPendingUnknown = own.Length == options.BatchSize;
    }

    private TimeSpan UntilNextRetry()
    {
        var wait = options.PollInterval;
        foreach (var due in _retryAt.Values)
        {
            var untilDue = due - time.GetUtcNow();
            wait = untilDue < wait ? untilDue : wait;
        }

        // BLOCK 0 would wait for ever.
        return wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait;
    }

    private async Task<StreamEntry[]> ReadBlockingAsync(IDatabase blocking, TimeSpan block, CancellationToken cancellationToken)
    {
        var reply = await blocking.ExecuteAsync("XREADGROUP",
            "GROUP", Group, consumerName, "COUNT", options.BatchSize, "BLOCK", (long)block.TotalMilliseconds, "STREAMS", _keys.Stream, ">")
            .WaitAsync(cancellationToken);
        if (reply.IsNull)
        {
            return [];
        }

        // RESP2 answers [[stream, [[id, [field, value, ...]], ...]]]; RESP3 a map {stream: [...]}, which reads as [stream, [...]].
        var streamsRead = (RedisResult[])reply!;
        var entries = (RedisResult[])(reply.Resp3Type == ResultType.Map ? streamsRead[1] : streamsRead[0][1])!;
        return [.. entries.Select(entry =>
        {
            var fields = (RedisValue[])entry[1]!;
            return new StreamEntry((RedisValue)entry[0], [.. fields.Chunk(2).Select(pair => new NameValueEntry(pair[0], pair[1]))]);
        })];
    }

    private async Task ProcessAsync(StreamEntry entry, CancellationToken cancellationToken)
    {
        var id = entry.Id.ToString();
        var check = authenticator.Check(family.Name, entry);
        if (!check.IsAuthentic)
        {
            // Not appended by a publisher of the family (or altered since): never handled, but kept in sight.
            await deadLetters.MoveAsync(_keys, entry, DeadLetters.Unauthenticated, 1);
            metrics.Unauthenticated(family.Name);
            LogUnauthenticated(family.Name, id);
            return;
        }

        if (check.Envelope is not { } envelope)
        {
            // Unreadable: retrying cannot help.
            await deadLetters.MoveAsync(_keys, entry, DeadLetters.Unreadable, 1);
            metrics.DeadLettered(family.Name);
            LogDeadLettered(family.Name, id, 1);
            return;
        }

        if (!family.Carries(envelope))
        {
            // Written by a newer version of the family than this replica's: acknowledging it would drop it for the
            // whole group. It stays pending, parked with a consumer of its own (visible in XINFO CONSUMERS, and out
            // of this replica's own retries, which would keep it from ever looking idle); a replica that knows the
            // type claims it. Parked as idle for ClaimAfter already: this and other old replicas claim it back and
            // park it again every round, and an idle time of zero would let them keep it from the replica that knows it.
            await streams.Database.ExecuteAsync("XCLAIM", _keys.Stream, Group, UnknownTypeConsumer, 0, entry.Id,
                "IDLE", (long)options.ClaimAfter.TotalMilliseconds, "JUSTID");
            metrics.UnknownType(family.Name);
            LogUnknownType(family.Name, envelope.EventId, Any.GetTypeName(envelope.Payload.TypeUrl));
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
                await deadLetters.MoveAsync(_keys, entry, DeadLetters.Describe(exception), attempts);
                _retryAt.TryRemove(id, out _);
                metrics.DeadLettered(family.Name);
                LogDeadLettered(family.Name, id, attempts);
                return;
            }

            _retryAt[id] = time.GetUtcNow() + options.PollInterval * attempts;
            LogHandlerFailed(exception, family.Name, envelope.EventId, attempts, options.MaxAttempts);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Entry {EntryId} of {Family} is not signed by a publisher of the family; moved to the dead letters unhandled")]
    private partial void LogUnauthenticated(string family, string entryId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not subscribed to the wake-ups of {Family} ({Error}); blocking reads still deliver every event")]
    private partial void LogNotSubscribed(string family, string error);

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
