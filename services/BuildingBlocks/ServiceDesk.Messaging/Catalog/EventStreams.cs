using System.Collections.Concurrent;
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
    public const string MacField = "mac";

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

    private readonly ConcurrentDictionary<string, bool> _provisioned = new();

    public IDatabase Database => redis.GetDatabase();

    public EventCatalog Catalog => catalog;

    public StreamKeys Keys(string family) => new(options.Value.KeyPrefix, family);

    /// <summary>
    /// Appends to the family's stream (the ledger), with the entry's MAC under the current signing key;
    /// <see cref="WakeSubscribersAsync"/> then tells its consumers.
    /// </summary>
    public async Task<RedisValue> AppendAsync(OutgoingEvent outgoing)
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

        return await Database.StreamAddAsync(keys.Stream,
        [
            new NameValueEntry(EventIdField, outgoing.EventId),
            new NameValueEntry(EventTypeField, outgoing.EventType),
            new NameValueEntry(EnvelopeField, outgoing.Envelope),
            new NameValueEntry(MacField, authenticator.Sign(outgoing.Family, outgoing.EventId, outgoing.EventType, outgoing.Envelope)),
        ],
        // No group acknowledges, so trimming never reaches this stream: bounded by length instead.
        maxLength: subscribers.Count == 0 ? options.Value.UnsubscribedMaxLength : null,
        useApproximateMaxLength: true);
    }

    /// <summary>
    /// Publishes the entry id on the family's channel: a consumer that is not in a blocking read (backing off
    /// after a failed round) starts a round at once. Only an optimisation: the stream holds the event either way.
    /// </summary>
    public Task WakeSubscribersAsync(string family, RedisValue entryId) =>
        redis.GetSubscriber().PublishAsync(Keys(family).Channel, entryId);

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
