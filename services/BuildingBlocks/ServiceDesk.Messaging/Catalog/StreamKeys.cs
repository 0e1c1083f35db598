using StackExchange.Redis;

namespace ServiceDesk.Messaging.Catalog;

/// <summary>The Redis names of one family: its stream, wake-up channel, and per-group dead letters and attempt counts.</summary>
public sealed record StreamKeys(string Prefix, string Family)
{
    public RedisKey Stream => $"{Prefix}events:{Family}";

    public RedisChannel Channel => RedisChannel.Literal($"{Prefix}events:{Family}");

    public RedisKey DeadLetters(string group) => $"{Prefix}events:{Family}:dead:{group}";

    public RedisKey Attempts(string group) => $"{Prefix}events:{Family}:attempts:{group}";
}
