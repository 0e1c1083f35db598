using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using ServiceDesk.LocalRedis;
using ServiceDesk.Testing;
using Xunit;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ServiceDesk.Hosting.Tests;

[Collection(RedisCollection.Name)]
public sealed class ServiceHealthTests(RedisFixture redis)
{
    /// <summary>
    /// In every environment a service runs in: Development turns on ValidateOnBuild, which builds every
    /// registration at start, so one the selected store backend cannot satisfy would end the process there.
    /// </summary>
    [Theory]
    [InlineData("Development")]
    [InlineData("Staging")]
    [InlineData("Production")]
    public async Task Every_service_starts_and_reports_serving_for_itself_and_each_dependency(string environment)
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
                Assert.Equal(ServingStatus.Serving, await backend.HealthAsync("redis"));
                Assert.Equal(ServingStatus.Serving, await backend.HealthAsync("store"));
            }

            Assert.Equal(ServingStatus.Serving, await gateway.HealthAsync());
            foreach (var backend in backends)
            {
                Assert.Equal(ServingStatus.Serving, await gateway.HealthAsync(backend.Service.Name));
            }
        }
        finally
        {
            foreach (var backend in backends)
            {
                await backend.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_service_is_not_serving_while_redis_is_stopped_and_recovers_when_it_returns()
    {
        // Its own Redis: stopping the shared one would disturb other tests.
        await using var ownRedis = await RedisServer.StartAsync(TestDirectory.Create("redis-outage"));
        await using var directory = await ServiceHost.StartAsync(ServiceApps.Directory, new Dictionary<string, string?> { ["Redis:Configuration"] = ownRedis.Configuration });
        Assert.Equal(ServingStatus.Serving, await directory.HealthAsync());

        await ownRedis.StopAsync();
        await Eventually.WaitForAsync(() => directory.HealthAsync(), s => s == ServingStatus.NotServing, "NOT_SERVING while Redis is down");
        Assert.Equal(ServingStatus.NotServing, await directory.HealthAsync("redis"));
        Assert.Equal(ServingStatus.Serving, await directory.HealthAsync("store"));
        Assert.Equal(ServingStatus.Serving, await directory.HealthAsync("liveness"));
        using var livez = await directory.Http.GetAsync("/livez");
        Assert.Equal(System.Net.HttpStatusCode.OK, livez.StatusCode);

        await ownRedis.StartAsync();
        await Eventually.WaitForAsync(() => directory.HealthAsync(), s => s == ServingStatus.Serving, "SERVING after Redis returns");

        // The outage is logged once as it begins and once as it ends, a warning and not an error of every check run.
        await Eventually.WaitForAsync(() => Task.FromResult(LinesOf(directory, "Health check redis is Healthy")), lines => lines.Count == 1, "the recovery logged");
        var outage = Assert.Single(LinesOf(directory, "Health check redis became Unhealthy"));
        Assert.Contains("\"level\":\"Warning\"", outage, StringComparison.Ordinal);
        Assert.DoesNotContain(directory.Logs.Lines, line => line.Contains("\"level\":\"Error\"", StringComparison.Ordinal));
    }

    /// <summary>
    /// Redis down as the services start (a cluster restart brings pods up in any order): each goes on retrying, none
    /// stops itself, and each serves once Redis is there. The Directory's suggestion feed gives up its first subscription
    /// after StackExchange.Redis's 5 s; it once ended the process there.
    /// </summary>
    [Fact]
    public async Task Every_service_started_while_redis_is_down_keeps_running_and_serves_once_it_starts()
    {
        await using var ownRedis = await RedisServer.StartAsync(TestDirectory.Create("redis-late"));
        await ownRedis.StopAsync();
        var backends = new List<ServiceHost>();
        try
        {
            foreach (var service in ServiceApps.Backends)
            {
                backends.Add(await ServiceHost.StartAsync(service, new Dictionary<string, string?> { ["Redis:Configuration"] = ownRedis.Configuration }));
            }

            var directory = backends.Single(backend => backend.Service == ServiceApps.Directory);
            await Eventually.WaitForAsync(
                () => Task.FromResult(LinesOf(directory, "Subscribing to the other replicas' suggestion-index changes failed")),
                lines => lines.Count > 0,
                "the Directory's first subscription to fail",
                TimeSpan.FromSeconds(30));
            Assert.All(backends, backend => Assert.False(backend.App.Lifetime.ApplicationStopping.IsCancellationRequested, $"{backend.Service.Name} stopped"));

            await ownRedis.StartAsync();
            foreach (var backend in backends)
            {
                await Eventually.WaitForAsync(() => backend.HealthAsync(), s => s == ServingStatus.Serving, $"{backend.Service.Name} SERVING once Redis starts", TimeSpan.FromSeconds(60));
            }
        }
        finally
        {
            foreach (var backend in backends)
            {
                await backend.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Health needs no token and is not under the overload limit: a name of half a million characters, kept by every open
    /// Watch, grew a replica by 300 MB for 300 anonymous streams.
    /// </summary>
    [Fact]
    public async Task A_service_name_longer_than_256_characters_is_invalid_argument_for_check_and_watch()
    {
        await using var probe = await ServiceHost.StartAsync(TlsTests.Probe, new Dictionary<string, string?>());
        var health = new Health.HealthClient(probe.Channel);
        var longest = new HealthCheckRequest { Service = new string('x', 256) };
        var tooLong = new HealthCheckRequest { Service = new string('x', 257) };

        var check = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => health.CheckAsync(tooLong, deadline: DateTime.UtcNow.AddSeconds(10)));
        var watch = await Assert.ThrowsAsync<RpcException>(() => FirstStatusAsync(health, tooLong));

        Assert.Equal(["service"], check.Fields());
        Assert.Equal(StatusCode.InvalidArgument, watch.StatusCode);
        Assert.Equal(["service"], watch.Fields());
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => health.CheckAsync(longest, deadline: DateTime.UtcNow.AddSeconds(10)));
        Assert.Equal(ServingStatus.ServiceUnknown, await FirstStatusAsync(health, longest));
    }

    [Fact]
    public async Task Health_watches_beyond_the_bound_are_refused_and_one_is_accepted_again_after_another_ended()
    {
        await using var probe = await ServiceHost.StartAsync(TlsTests.Probe, new Dictionary<string, string?> { ["Overload:MaxHealthWatches"] = "2" });
        var health = new Health.HealthClient(probe.Channel);
        using var first = health.Watch(new HealthCheckRequest());
        using var second = health.Watch(new HealthCheckRequest { Service = "liveness" });
        Assert.True(await first.ResponseStream.MoveNext(CancellationToken.None));
        Assert.True(await second.ResponseStream.MoveNext(CancellationToken.None));

        var refused = await Assert.ThrowsAsync<RpcException>(() => FirstStatusAsync(health, new HealthCheckRequest()));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.NotNull(refused.GetRpcStatus()?.GetDetail<RetryInfo>());

        first.Dispose();
        var again = await Eventually.WaitForAsync(
            () => RpcAssert.StatusOfAsync(() => FirstStatusAsync(health, new HealthCheckRequest())),
            status => status != StatusCode.ResourceExhausted,
            "a watch accepted once the first one ended");
        Assert.Equal(StatusCode.OK, again);
    }

    /// <summary>The first status a Watch streams; the stream is ended (cancelled) after it.</summary>
    private static async Task<ServingStatus> FirstStatusAsync(Health.HealthClient health, HealthCheckRequest request)
    {
        using var watch = health.Watch(request, deadline: DateTime.UtcNow.AddSeconds(10));
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));
        return watch.ResponseStream.Current.Status;
    }

    private static List<string> LinesOf(ServiceHost host, string message) =>
        [.. host.Logs.Lines.Where(line => line.Contains($"\"message\":\"{message}", StringComparison.Ordinal))];

    /// <summary>
    /// A readiness probe asks every few seconds per pod: Check answers SERVING from the last published report (one
    /// run of every check per <c>HealthDefaults.WatchPeriod</c>) instead of running them all per call. About 3 s.
    /// </summary>
    [Fact]
    public async Task Check_answers_serving_from_the_last_report_without_running_every_dependency_check_per_call()
    {
        await using var ownRedis = await RedisServer.StartAsync(TestDirectory.Create("redis-pings"));
        await using var directory = await ServiceHost.StartAsync(ServiceApps.Directory, new Dictionary<string, string?> { ["Redis:Configuration"] = ownRedis.Configuration });
        await Eventually.WaitForAsync(() => directory.HealthAsync(), s => s == ServingStatus.Serving, "SERVING");
        await using var redisClient = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(ownRedis.Configuration + ",allowAdmin=true");
        var ownDatabase = redisClient.GetDatabase();
        const int calls = 100;

        var pingsBefore = await RedisCommandStats.CallsAsync(ownDatabase, "ping");
        for (var i = 0; i < calls; i++)
        {
            Assert.Equal(ServingStatus.Serving, await directory.HealthAsync());
        }

        // The publisher's own runs (one per 2 s) are all that may reach Redis, however slowly the machine runs the calls.
        Assert.InRange(await RedisCommandStats.CallsAsync(ownDatabase, "ping") - pingsBefore, 0, calls / 2);
    }

    [Fact]
    public async Task The_http_health_endpoint_lists_each_dependency()
    {
        await using var directory = await ServiceHost.StartAsync(ServiceApps.Directory, new Dictionary<string, string?> { ["Redis:Configuration"] = redis.Configuration });

        using var response = await directory.Http.GetAsync("/healthz");
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Contains("\"redis\":{\"status\":\"Healthy\"", body, StringComparison.Ordinal);
        Assert.Contains("\"store\":{\"status\":\"Healthy\"", body, StringComparison.Ordinal);
    }
}
