using StackExchange.Redis;

namespace ServiceDesk.Messaging.Catalog;

/// <summary>
/// The Redis names of one family: its stream, wake-up channel, per-group dead letters and attempt counts, and
/// the marker of each event appended recently.
/// </summary>
public sealed record StreamKeys(string Prefix, string Family)
{
    public RedisKey Stream => $"{Prefix}events:{Family}";

    public RedisChannel Channel => RedisChannel.Literal($"{Prefix}events:{Family}");

    public RedisKey DeadLetters(string group) => $"{Prefix}events:{Family}:dead:{group}";

    public RedisKey Attempts(string group) => $"{Prefix}events:{Family}:attempts:{group}";

    /// <summary>Holds the entry id an event was appended as, for the durability window: a second append returns it.</summary>
    public RedisKey Appended(string eventId) => $"{Prefix}events:{Family}:appended:{eventId}";
}
