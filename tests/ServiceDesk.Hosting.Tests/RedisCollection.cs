using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Hosting.Tests;

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "redis";
}
