using System.Globalization;
using Microsoft.Extensions.Configuration;
using ServiceDesk.HealthProbe;
using ServiceDesk.LocalRedis;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Hosting.Tests;

/// <summary>The container image's health check command, configured as the service it runs next to.</summary>
public sealed class HealthProbeTests
{
    [Fact]
    public async Task The_probe_gets_serving_from_a_service_that_requires_mutual_tls_using_the_services_own_client_certificate()
    {
        var files = TestDirectory.Create("probe-tls");
        var authority = new TestAuthority(files);
        authority.Issue("server", serverName: "directory.servicedesk.svc");
        authority.Issue("client", serverName: null);
        var serving = new Dictionary<string, string?>
        {
            ["Endpoints:Tls:CertificatePath"] = Path.Combine(files, "server.crt"),
            ["Endpoints:Tls:KeyPath"] = Path.Combine(files, "server.key"),
            ["Endpoints:Tls:ClientCaPath"] = authority.BundlePath,
            ["Services:Tls:CertificatePath"] = Path.Combine(files, "client.crt"),
            ["Services:Tls:KeyPath"] = Path.Combine(files, "client.key"),
        };
        await using var service = await ServiceHost.StartAsync(TlsTests.Probe, serving);
        serving["Endpoints:GrpcPort"] = service.Endpoints.Grpc.Port.ToString(CultureInfo.InvariantCulture);
        using var error = new StringWriter();

        var exitCode = await GrpcHealthProbe.CheckAsync(new ConfigurationBuilder().AddInMemoryCollection(serving).Build(), TimeSpan.FromSeconds(30), error, CancellationToken.None);

        Assert.True(exitCode == 0, error.ToString());
    }

    [Fact]
    public async Task The_probe_fails_with_the_reason_when_nothing_answers()
    {
        var port = FreePorts.Next();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Endpoints:GrpcPort"] = port.ToString(CultureInfo.InvariantCulture),
        }).Build();
        using var error = new StringWriter();

        var exitCode = await GrpcHealthProbe.CheckAsync(configuration, TimeSpan.FromSeconds(30), error, CancellationToken.None);

        Assert.Equal(1, exitCode);
        Assert.Contains("Unavailable", error.ToString(), StringComparison.Ordinal);
    }
}
