using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServiceDesk.Hosting.Endpoints;

namespace ServiceDesk.Testing;

/// <summary>
/// One service, wired exactly as its Program.cs wires it, on real Kestrel endpoints at random 127.0.0.1
/// ports, with its LiteDB file in a temporary directory.
/// </summary>
public sealed class ServiceHost : IAsyncDisposable
{
    /// <summary>Every test host's <c>Erasure:TombstonePepper</c> (base64 of 32 bytes): tests hash addresses with it.</summary>
    public const string TombstonePepper = "dGVzdHMtb25seS10b21ic3RvbmUtcGVwcGVyLTAxMjM=";

    private ServiceHost(ServiceApp service, WebApplication app, string dataDirectory, CapturedLogs logs)
    {
        Service = service;
        App = app;
        DataDirectory = dataDirectory;
        Logs = logs;
        Endpoints = app.Services.GetRequiredService<BoundEndpoints>();
        Channel = GrpcChannel.ForAddress(Endpoints.GrpcUri);
        Calls = Channel.Intercept(new HostErrorsOnFailure(logs));
        Http = new HttpClient { BaseAddress = Endpoints.HttpUri };
        // A background service that fails asks the host to stop; a test host would go on answering, so
        // the test is told at disposal instead of passing over a dead consumer or relay.
        app.Lifetime.ApplicationStopping.Register(() => _stoppedOnItsOwn = !_disposing);
    }

    private volatile bool _disposing;
    private volatile bool _stoppedOnItsOwn;

    public ServiceApp Service { get; }

    public WebApplication App { get; }

    public IServiceProvider Services => App.Services;

    public string DataDirectory { get; }

    public CapturedLogs Logs { get; }

    public BoundEndpoints Endpoints { get; }

    public GrpcChannel Channel { get; }

    /// <summary>Calls over <see cref="Channel"/> whose INTERNAL or UNKNOWN answers carry this host's logged errors.</summary>
    public CallInvoker Calls { get; }

    public HttpClient Http { get; }

    public static async Task<ServiceHost> StartAsync(
        ServiceApp service,
        IReadOnlyDictionary<string, string?> settings,
        string? dataDirectory = null,
        string environmentName = "Testing",
        CancellationToken cancellationToken = default)
    {
        dataDirectory ??= TestDirectory.Create(service.Name);
        // An empty content root: no appsettings.json of any service leaks into the test's configuration.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environmentName,
            ApplicationName = service.AssemblyName,
            ContentRootPath = dataDirectory,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Endpoints:BindAddress"] = "127.0.0.1",
            ["Endpoints:GrpcPort"] = "0",
            ["Endpoints:HttpPort"] = "0",
            ["Storage:DataDirectory"] = dataDirectory,
            ["KeyProtection:Key"] = TestKeyProtection.Key,
            // Identity's required secret, for every host that is or includes Identity (base64 of 32 bytes).
            ["Identity:Throttling:KeySecret"] = "dGVzdHMtb25seS10aHJvdHRsaW5nLWtleS0wMTIzNDU=",
            // Far below production strength (the Identity:PasswordHashing defaults): tests sign in thousands of times.
            ["Identity:PasswordHashing:MemoryKib"] = "256",
            ["Identity:PasswordHashing:Iterations"] = "1",
            // Ticketing needs Directory's address at start-up; tests that exercise the calls set a real one.
            ["Services:directory"] = "http://127.0.0.1:1",
            // Notification needs Ticketing's address and the portal its messages link to.
            ["Services:ticketing"] = "http://127.0.0.1:1",
            ["Notification:PortalBaseUrl"] = "https://portal.servicedesk.test/",
            ["Erasure:TombstonePepper"] = TombstonePepper,
        });
        builder.Configuration.AddInMemoryCollection(TestEventKeys.Settings(service.Name));
        builder.Configuration.AddInMemoryCollection(settings);
        service.Add(builder);

        var logs = new CapturedLogs();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);

        var app = builder.Build();
        service.Map(app);
        await app.StartAsync(cancellationToken);
        return new ServiceHost(service, app, dataDirectory, logs);
    }

    /// <summary>What the gRPC health service answers for a service name ("" for the whole service).</summary>
    public async Task<HealthCheckResponse.Types.ServingStatus> HealthAsync(string serviceName = "")
    {
        var client = new Health.HealthClient(Channel);
        var reply = await client.CheckAsync(new HealthCheckRequest { Service = serviceName }, deadline: DateTime.UtcNow.AddSeconds(5));
        return reply.Status;
    }

    public async ValueTask DisposeAsync()
    {
        _disposing = true;
        Channel.Dispose();
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (_stoppedOnItsOwn)
        {
            throw new InvalidOperationException($"{Service.Name} stopped on its own during the test (a background service failed); its log:\n{Logs.All}");
        }
    }
}
