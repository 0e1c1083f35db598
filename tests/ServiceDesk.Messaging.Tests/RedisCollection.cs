using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Messaging.Tests;

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "redis";
}
