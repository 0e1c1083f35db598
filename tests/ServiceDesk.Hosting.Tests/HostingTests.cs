using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Health.V1;
using LiteDB;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServiceDesk.Hosting.Clients;
using ServiceDesk.Hosting.Startup;
using ServiceDesk.Storage;
using ServiceDesk.Storage.LiteDb;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Hosting.Tests;

[Collection(RedisCollection.Name)]
public sealed class HostingTests(RedisFixture redis)
{
    [Fact]
    public async Task A_port_in_use_ends_the_service_with_exit_code_2_instead_of_a_crash()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var busyPort = ((IPEndPoint)holder.LocalEndpoint).Port;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = TestDirectory.Create("busy"), EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Endpoints:BindAddress"] = "127.0.0.1",
            ["Endpoints:GrpcPort"] = busyPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Endpoints:HttpPort"] = "0",
        });
        builder.AddServiceDefaults("probe");
        await using var app = builder.Build();
        app.MapServiceDefaults();

        var exitCode = await app.RunServiceAsync().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(2, exitCode);
    }

    [Fact]
    public async Task A_store_file_another_process_holds_ends_the_service_with_exit_code_2_instead_of_a_crash()
    {
        var dataDirectory = TestDirectory.Create("held");
        using var holder = LiteDbFiles.Open(new StorageOptions { DataDirectory = dataDirectory }, "probe");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = dataDirectory, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Endpoints:BindAddress"] = "127.0.0.1",
            ["Endpoints:GrpcPort"] = "0",
            ["Endpoints:HttpPort"] = "0",
            ["Storage:DataDirectory"] = dataDirectory,
        });
        builder.AddServiceDefaults("probe");
        builder.AddServiceStorage("probe");
        builder.Services.AddHostedService<StoreUser>();
        await using var app = builder.Build();
        app.MapServiceDefaults();

        var exitCode = await app.RunServiceAsync().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(2, exitCode);
    }

    [Fact]
    public async Task A_background_service_failing_after_the_start_ends_the_service_with_exit_code_1()
    {
        await using var app = ProbeWith(services => services.AddHostedService<FailsOnceStarted>());

        var exitCode = await app.RunServiceAsync().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(1, exitCode);
    }

    [Fact]
    public async Task A_start_up_step_failing_for_good_after_the_start_ends_the_service_with_exit_code_1()
    {
        await using var app = ProbeWith(services => services.AddHostedService<FatalOnceStarted>());

        var exitCode = await app.RunServiceAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, exitCode);
    }

    [Fact]
    public async Task A_service_stopped_from_outside_ends_with_exit_code_0()
    {
        await using var app = ProbeWith(_ => { });
        var run = app.RunServiceAsync();
        await Eventually.WaitForAsync(() => app.Lifetime.ApplicationStarted.IsCancellationRequested, "the probe to start");

        app.Lifetime.StopApplication();

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task Outgoing_calls_without_a_deadline_get_the_configured_one()
    {
        // A peer that accepts connections and never answers.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Services:silent"] = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}",
            ["Services:CallTimeout"] = "00:00:01",
        }).Build();
        var services = new ServiceCollection();
        services.AddServiceClient<Health.HealthClient>(configuration, "silent");
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<Health.HealthClient>();

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RpcException>(() => client.CheckAsync(new HealthCheckRequest()).ResponseAsync.WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_prometheus_exporter_serves_metrics_on_the_http_port_when_configured()
    {
        await using var directory = await ServiceHost.StartAsync(ServiceApps.Directory, new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = redis.Configuration,
            ["Telemetry:Exporter"] = "prometheus",
        });
        await directory.HealthAsync();

        var metrics = await Eventually.WaitForAsync(
            () => directory.Http.GetStringAsync("/metrics"),
            body => body.Contains("http_server_request_duration", StringComparison.Ordinal),
            "request metrics to be exported");

        Assert.Contains("# TYPE", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_test_host_whose_background_service_fails_fails_the_test_at_disposal()
    {
        var failing = new ServiceApp(
            "probe",
            "ServiceDesk.Hosting.Tests",
            builder =>
            {
                builder.AddServiceDefaults("probe");
                builder.Services.AddHostedService<FailingWorker>();
            },
            app => app.MapServiceDefaults());
        var host = await ServiceHost.StartAsync(failing, new Dictionary<string, string?>());
        await Eventually.WaitForAsync(() => host.App.Lifetime.ApplicationStopping.IsCancellationRequested, "the failed worker to stop the host");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await host.DisposeAsync());

        Assert.Contains("probe stopped on its own", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Fails once the host has started (a failure during start already fails StartAsync).</summary>
    private sealed class FailingWorker(Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime) : Microsoft.Extensions.Hosting.BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            var started = new TaskCompletionSource();
            using (lifetime.ApplicationStarted.Register(started.SetResult))
            {
                await started.Task.WaitAsync(stoppingToken);
            }

            throw new InvalidOperationException("worker failed");
        }
    }

    [Fact]
    public async Task Telemetry_is_off_by_default()
    {
        await using var directory = await ServiceHost.StartAsync(ServiceApps.Directory, new Dictionary<string, string?> { ["Redis:Configuration"] = redis.Configuration });

        using var response = await directory.Http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static WebApplication ProbeWith(Action<IServiceCollection> addServices)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = TestDirectory.Create("probe"), EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Endpoints:BindAddress"] = "127.0.0.1",
            ["Endpoints:GrpcPort"] = "0",
            ["Endpoints:HttpPort"] = "0",
        });
        builder.AddServiceDefaults("probe");
        addServices(builder.Services);
        var app = builder.Build();
        app.MapServiceDefaults();
        return app;
    }

    private sealed class FailsOnceStarted(IHostApplicationLifetime lifetime) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Delay(Timeout.Infinite, lifetime.ApplicationStarted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw new InvalidOperationException("failed after the start");
        }
    }

    private sealed class FatalOnceStarted(IHostApplicationLifetime lifetime, ILogger<FatalOnceStarted> logger)
        : StartupStep(lifetime, TimeProvider.System, logger)
    {
        private readonly CancellationToken _started = lifetime.ApplicationStarted;

        protected override async Task RunAsync(CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, _started).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw new InvalidDataException("cannot be mended");
        }

        protected override bool IsFatal(Exception exception) => exception is InvalidDataException;
    }

    /// <summary>A service's first store user, which opens the file as the host starts.</summary>
    private sealed class StoreUser(LiteDatabase database) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.FromResult(database.CollectionExists("none"));
    }
}
