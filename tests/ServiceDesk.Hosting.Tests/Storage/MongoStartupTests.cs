using ServiceDesk.Testing;
using Xunit;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ServiceDesk.Hosting.Tests.Storage;

/// <summary>
/// With MongoDB selected and no server answering, every service still starts (its container builds, even with
/// Development's ValidateOnBuild), serves, and reports the store NOT_SERVING with the reason.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class MongoStartupTests(RedisFixture redis)
{
    /// <summary>Nothing listens on port 1: every attempt is refused at once, and server selection gives up quickly.</summary>
    private const string UnreachableMongoUrl = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500&connectTimeoutMS=500";

    [Theory]
    [InlineData("Development")]
    [InlineData("Staging")]
    [InlineData("Production")]
    public async Task Every_service_starts_without_a_reachable_mongodb_and_says_why_its_store_is_not_serving(string environment)
    {
        foreach (var service in ServiceApps.Backends)
        {
            var settings = new Dictionary<string, string?>
            {
                ["Redis:Configuration"] = redis.Configuration,
                ["Storage:MongoUrl"] = UnreachableMongoUrl,
            };
            await using var host = await ServiceHost.StartAsync(service, settings, environmentName: environment).WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(ServingStatus.NotServing, await host.HealthAsync("store"));
            Assert.Equal(ServingStatus.NotServing, await host.HealthAsync());
            Assert.Equal(ServingStatus.Serving, await host.HealthAsync("redis"));
            var report = await Eventually.WaitForAsync(
                async () => await (await host.Http.GetAsync("/healthz")).Content.ReadAsStringAsync(), body => body.Contains("MongoDB unreachable", StringComparison.Ordinal), "the store's reason in /healthz");
            Assert.Contains("\"store\":{\"status\":\"Unhealthy\"", report, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Identity_with_a_bootstrap_admin_starts_while_mongodb_is_unreachable_for_longer_than_its_start_waits()
    {
        var settings = IdentityTestHost.Settings(redis.Configuration, ("Storage:MongoUrl", "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=60000&connectTimeoutMS=500"));

        await using var identity = await ServiceHost.StartAsync(ServiceApps.Identity, settings).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(ServingStatus.NotServing, await identity.HealthAsync("store"));
        Assert.Equal(ServingStatus.Serving, await identity.HealthAsync("redis"));
    }
}
