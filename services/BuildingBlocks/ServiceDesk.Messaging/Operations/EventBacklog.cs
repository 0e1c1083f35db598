using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.Catalog;
using StackExchange.Redis;

namespace ServiceDesk.Messaging.Operations;

/// <summary>Per family and consumer group: pending, lag and dead-lettered entries, read from Redis.</summary>
public sealed class EventBacklog(EventStreams streams)
{
    /// <summary>Lag is counted entry by entry only when Redis cannot tell it (after deletions); this caps that count.</summary>
    private const int MaxCountedLag = 10_000;

    public async Task<IReadOnlyList<ConsumerGroupBacklog>> ReadAsync(IEnumerable<EventFamily> families, string? onlyGroup = null)
    {
        var result = new List<ConsumerGroupBacklog>();
        foreach (var family in families)
        {
            var keys = streams.Keys(family.Name);
            var groups = await streams.Database.KeyExistsAsync(keys.Stream) ? await streams.Database.StreamGroupInfoAsync(keys.Stream) : [];
            var names = family.Subscribers.Union(groups.Select(g => g.Name)).Where(g => onlyGroup is null || g == onlyGroup);
            foreach (var name in names)
            {
                var info = groups.FirstOrDefault(g => g.Name == name);
                result.Add(new ConsumerGroupBacklog
                {
                    Family = family.Name,
                    Group = name,
                    Pending = info.Name is null ? 0 : info.PendingMessageCount,
                    Lag = info.Name is null ? await streams.Database.StreamLengthAsync(keys.Stream) : info.Lag ?? await CountAfterAsync(keys.Stream, info.LastDeliveredId),
                    DeadLettered = await streams.Database.StreamLengthAsync(keys.DeadLetters(name)),
                    Consumers = info.Name is null ? 0 : info.ConsumerCount,
                });
            }
        }

        return result;
    }

    private async Task<long> CountAfterAsync(RedisKey stream, string? lastDeliveredId)
    {
        var after = lastDeliveredId is null ? "-" : "(" + lastDeliveredId;
        return (await streams.Database.StreamRangeAsync(stream, after, "+", MaxCountedLag)).Length;
    }
}
