using ServiceDesk.Testing;
using Xunit;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ServiceDesk.Hosting.Tests;

/// <summary>
/// Every service starts in the environments it is run in. Development turns on ValidateOnBuild, which builds
/// every registration at start: a registration the selected backend cannot satisfy ends the process there.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class EnvironmentStartupTests(RedisFixture redis)
{
    [Theory]
    [InlineData("Development")]
    [InlineData("Staging")]
    [InlineData("Production")]
    public async Task Every_service_starts_and_serves_with_litedb(string environment)
    {
        var backends = new List<ServiceHost>();
        try
        {
            foreach (var service in ServiceApps.Backends)
            {
                backends.Add(await ServiceHost.StartAsync(
                    service, new Dictionary<string, string?> { ["Redis:Configuration"] = redis.Configuration }, environmentName: environment));
            }

            var gatewaySettings = backends.ToDictionary(b => $"Services:{b.Service.Name}", b => (string?)b.Endpoints.GrpcUri.ToString());
            await using var gateway = await ServiceHost.StartAsync(ServiceApps.Gateway, gatewaySettings, environmentName: environment);

            foreach (var backend in backends)
            {
                Assert.Equal(ServingStatus.Serving, await backend.HealthAsync());
            }

            Assert.Equal(ServingStatus.Serving, await gateway.HealthAsync());
        }
        finally
        {
            foreach (var backend in backends)
            {
                await backend.DisposeAsync();
            }
        }
    }
}
