using System.Collections.Concurrent;
using Grpc.Health.V1;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServiceDesk.Hosting.Clients;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Hosting.Tests;

/// <summary>
/// A <c>dns:///</c> address (Kubernetes' headless Services) is resolved again while its connections are healthy, so
/// the pods a scale-up adds get calls from channels that already run. Grpc.Net.Client's own resolver resolves only
/// when a connection fails (and at most every 15 s).
/// </summary>
public sealed class DnsRefreshTests
{
    [Fact]
    public async Task A_dns_address_is_resolved_again_while_its_connection_is_healthy()
    {
        await using var service = await ServiceHost.StartAsync(TlsTests.Probe, new Dictionary<string, string?>());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Services:probe"] = $"dns:///localhost:{service.Endpoints.Grpc.Port}",
            ["Services:DnsRefreshInterval"] = "00:00:01",
        }).Build();
        var resolutions = new ResolutionLog();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(resolutions));
        services.AddServiceClient<Health.HealthClient>(configuration, "probe");
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<Health.HealthClient>();

        await client.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(20));

        // The first resolution, then another one (Grpc.Net.Client waits 15 s between two) with the connection still healthy.
        await Eventually.WaitForAsync(() => resolutions.Count >= 2, "a second resolution of localhost", TimeSpan.FromSeconds(45));
        await client.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(20));
    }

    /// <summary>Counts the results Grpc.Net.Client's DNS resolver reports.</summary>
    private sealed class ResolutionLog : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public int Count => _lines.Count;

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var message = formatter(state, exception);
                if (category.EndsWith("DnsResolver", StringComparison.Ordinal) && message.Contains("DNS results", StringComparison.Ordinal))
                {
                    lines.Enqueue(message);
                }
            }
        }
    }
}
