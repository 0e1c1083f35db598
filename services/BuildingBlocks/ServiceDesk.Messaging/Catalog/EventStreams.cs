using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using ServiceDesk.Messaging.Authenticity;
using ServiceDesk.Messaging.Publishing;
using StackExchange.Redis;

namespace ServiceDesk.Messaging.Catalog;

/// <summary>The Redis side of the event families: appending, consumer groups and trimming.</summary>
public sealed class EventStreams(IConnectionMultiplexer redis, EventCatalog catalog, EventAuthenticator authenticator, IOptions<MessagingOptions> options)
{
    public const string EnvelopeField = "envelope";
    public const string EventIdField = "event_id";
    public const string EventTypeField = "type";

    /// <summary>
    /// Deletes the group's consumers that hold no pending entry and have not read for longer than ARGV[2] ms, in
    /// one step: a consumer that took an entry between a separate check and the delete would lose it from the
    /// pending list. A live replica deleted while idle is re-created by its next read.
    /// </summary>
    private const string RemoveGoneConsumersScript = """
        local removed = 0
        for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
            local fields = {}
            for i = 1, #consumer, 2 do fields[consumer[i]] = consumer[i + 1] end
            if fields['pending'] == 0 and fields['idle'] > tonumber(ARGV[2]) then
                redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], fields['name'])
                removed = removed + 1
            end
        end
        return removed
        """;

    /// <summary>
    /// Appends an event once: the marker KEYS[2] (the event's id, kept ARGV[1] ms) and the entry are written in one
    /// step, so a second append of the same event (two relays, or a relay that re-appends after a Redis restart
    /// that kept the entry) returns the first entry's id and appends nothing. A restart that lost the entry lost
    /// the marker with it: the same AOF holds both. ARGV[2] is the length bound ('' for none), ARGV[3] the channel to
    /// publish the entry id on ('' for none), ARGV[4..] the fields. The wake-up goes in the same step, saving the relay a
    /// round trip per family and round, through <c>pcall</c>: one that is refused (an ACL user without the channel or
    /// without PUBLISH) fails nothing, and the third value says so.
    /// </summary>
    private const string AppendOnceScript = """
        local id = redis.call('GET', KEYS[2])
        local appended = 0
        if not id then
            if ARGV[2] ~= '' then
                id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 4))
            else
                id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 4))
            end
            redis.call('SET', KEYS[2], id, 'PX', ARGV[1])
            appended = 1
        end
        local woken = 1
        if ARGV[3] ~= '' then
            local published = redis.pcall('PUBLISH', ARGV[3], id)
            if type(published) == 'table' and published['err'] then
                woken = 0
            end
        end
        return {id, appended, woken}
        """;

    private readonly ConcurrentDictionary<string, bool> _provisioned = new();

    public IDatabase Database => redis.GetDatabase();

    public EventCatalog Catalog => catalog;

    public StreamKeys Keys(string family) => new(options.Value.KeyPrefix, family);

    /// <summary>
    /// Appends to the family's stream (the ledger), signed with this service's key, unless the
    /// event was appended within the durability window already (then its entry id comes back, with
    /// <c>Appended</c> false). With <paramref name="wakeSubscribers"/>, the same step publishes the entry id on the
    /// family's channel: a consumer that is not in a blocking read (backing off after a failed round) starts a round at
    /// once. Only an optimisation, the stream holds the event either way: a refused wake-up comes back as
    /// <c>WakeUpRefused</c>, not as a failure.
    /// </summary>
    public async Task<(RedisValue EntryId, bool Appended, bool WakeUpRefused)> AppendAsync(OutgoingEvent outgoing, bool wakeSubscribers)
    {
        var keys = Keys(outgoing.Family);
        var subscribers = catalog.Find(outgoing.Family)?.Subscribers ?? [];
        if (!_provisioned.ContainsKey(outgoing.Family))
        {
            foreach (var subscriber in subscribers)
            {
                await EnsureGroupAsync(keys, subscriber);
            }

            _provisioned[outgoing.Family] = true;
        }

        // No group acknowledges an unsubscribed family's stream, so trimming never reaches it: bounded by length instead.
        var maxLength = subscribers.Count == 0 ? options.Value.UnsubscribedMaxLength.ToString(CultureInfo.InvariantCulture) : string.Empty;
        // The marker outlives the outbox row by a margin: a relay that re-appends a row near the end of the window
        // still finds it.
        var markerLifetime = (long)(options.Value.DurabilityWindow * 2).TotalMilliseconds;
        var reply = (RedisResult[])(await Database.ScriptEvaluateAsync(AppendOnceScript, [keys.Stream, keys.Appended(outgoing.EventId)],
        [
            markerLifetime, maxLength, wakeSubscribers ? keys.Channel.ToString() : string.Empty,
            EventIdField, outgoing.EventId,
            EventTypeField, outgoing.EventType,
            EnvelopeField, outgoing.Envelope,
            EventAuthenticator.SignerField, authenticator.Signer,
            EventAuthenticator.SignatureField, authenticator.Sign(outgoing.Family, outgoing.EventId, outgoing.EventType, outgoing.Envelope),
        ]))!;
        return ((RedisValue)reply[0], (long)reply[1] == 1, (long)reply[2] == 0);
    }

    /// <summary>
    /// The Redis server's run id, new with every start of a server process: a different one than an append was
    /// made under means the server restarted (or another took over) since, and may have lost it.
    /// </summary>
    public async Task<string> RunIdAsync() =>
        // Through a script: the client refuses INFO outside admin mode, which the services do not need otherwise.
        (string?)await Database.ScriptEvaluateAsync("return string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')")
        ?? throw new InvalidOperationException("INFO server did not report a run_id.");

    /// <summary>The family's wake-ups; the client subscribes again after every reconnect.</summary>
    public Task<ChannelMessageQueue> SubscribeAsync(string family) => redis.GetSubscriber().SubscribeAsync(Keys(family).Channel);

    /// <summary>
    /// Creates a consumer group reading from the start of the stream, so no entry appended before the group's
    /// service first ran is lost. Idempotent.
    /// </summary>
    public async Task EnsureGroupAsync(StreamKeys keys, string group)
    {
        try
        {
            await Database.StreamCreateConsumerGroupAsync(keys.Stream, group, StreamPosition.Beginning, createStream: true);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // The group exists.
        }
    }

    /// <summary>
    /// Removes consumers that are gone (a replica that stopped or crashed, whose entries were claimed since), so
    /// the group lists only live replicas. Returns how many were removed.
    /// </summary>
    public async Task<long> RemoveGoneConsumersAsync(StreamKeys keys, string group, TimeSpan idleFor) =>
        (long)await Database.ScriptEvaluateAsync(RemoveGoneConsumersScript, [keys.Stream], [group, (long)idleFor.TotalMilliseconds]);

    /// <summary>
    /// Trims the stream up to, not past, what every consumer group has acknowledged: entries still pending
    /// somewhere, or not yet delivered to some group, stay; a family that keeps its history is not trimmed. Returns
    /// how many entries were removed.
    /// </summary>
    public async Task<long> TrimAcknowledgedAsync(string family)
    {
        var keys = Keys(family);
        if (catalog.Find(family)?.KeepsHistory == true || !await Database.KeyExistsAsync(keys.Stream))
        {
            return 0;
        }

        var groups = await Database.StreamGroupInfoAsync(keys.Stream);
        var expected = catalog.Find(family)?.Subscribers ?? [];
        if (groups.Length == 0 || expected.Any(name => groups.All(g => g.Name != name)))
        {
            // A subscriber's group is missing: nothing is known to be safe to drop.
            return 0;
        }

        StreamId? keepFrom = null;
        foreach (var group in groups)
        {
            // Read after the group info: an entry the group acknowledged in between leaves the pending list
            // empty (its lowest id null), and an entry delivered in between is pending, so neither case drops
            // an entry the group still needs.
            var pending = await Database.StreamPendingAsync(keys.Stream, group.Name);
            var lowestPending = pending.PendingMessageCount > 0 ? pending.LowestPendingMessageId.ToString() : null;
            var groupKeepsFrom = lowestPending is { Length: > 0 }
                ? StreamId.Parse(lowestPending)
                : StreamId.Parse(group.LastDeliveredId ?? "0-0").Next();
            keepFrom = keepFrom is null || groupKeepsFrom < keepFrom.Value ? groupKeepsFrom : keepFrom;
        }

        return await Database.StreamTrimByMinIdAsync(keys.Stream, keepFrom!.Value.ToString(), useApproximateMaxLength: false);
    }
}
