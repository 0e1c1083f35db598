using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Hosting.Clients;
using ServiceDesk.Testing;
using Xunit;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ServiceDesk.Hosting.Tests;

/// <summary>A service serving TLS and mutual TLS, with a private authority and certificates made here.</summary>
public sealed class TlsTests : IAsyncLifetime
{
    /// <summary>A service with the shared defaults only.</summary>
    internal static readonly ServiceApp Probe = new(
        "probe",
        "ServiceDesk.Hosting.Tests",
        builder => builder.AddServiceDefaults("probe"),
        app => app.MapServiceDefaults());

    private readonly string _files = TestDirectory.Create("tls");
    private TestAuthority _authority = null!;

    public Task InitializeAsync()
    {
        _authority = new TestAuthority(_files);
        _authority.Issue("server", serverName: "localhost");
        _authority.Issue("client", serverName: null);
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_service_serves_grpc_and_http_over_tls_to_a_client_that_trusts_its_authority()
    {
        await using var service = await ServiceHost.StartAsync(Probe, ServingTls(requireClientCertificates: false));

        var status = await CallHealthAsync(service, withClientCertificate: false);

        Assert.Equal(ServingStatus.Serving, status);
        using var http = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, c, _, e) => _authority.Trusts(c, e) } });
        using var response = await http.GetAsync(new Uri($"https://localhost:{service.Endpoints.Http.Port}/healthz"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Under_mutual_tls_a_client_with_a_certificate_of_the_authority_is_served_and_one_without_is_refused()
    {
        await using var service = await ServiceHost.StartAsync(Probe, ServingTls(requireClientCertificates: true));

        Assert.Equal(ServingStatus.Serving, await CallHealthAsync(service, withClientCertificate: true));
        var refused = await Assert.ThrowsAsync<RpcException>(() => CallHealthAsync(service, withClientCertificate: false));
        // Under TLS 1.3 the server may refuse the missing certificate during the handshake (UNAVAILABLE) or just after
        // it, resetting the connection the client already uses (INTERNAL); which one depends on timing. Either way
        // nothing was served.
        Assert.Contains(refused.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
    }

    [Fact]
    public async Task A_client_refuses_a_server_whose_certificate_its_authority_did_not_issue()
    {
        await using var service = await ServiceHost.StartAsync(Probe, ServingTls(requireClientCertificates: false));
        var stranger = new TestAuthority(TestDirectory.Create("tls-stranger"));

        var refused = await Assert.ThrowsAsync<RpcException>(() => CallHealthAsync(service, withClientCertificate: false, stranger.BundlePath));

        // The client's own certificate check ends the handshake; the server never answered.
        Assert.IsType<System.Security.Authentication.AuthenticationException>(refused.Status.DebugException?.InnerException);
    }

    private Dictionary<string, string?> ServingTls(bool requireClientCertificates) => new()
    {
        ["Endpoints:Tls:CertificatePath"] = Path.Combine(_files, "server.crt"),
        ["Endpoints:Tls:KeyPath"] = Path.Combine(_files, "server.key"),
        ["Endpoints:Tls:ClientCaPath"] = requireClientCertificates ? _authority.BundlePath : null,
    };

    /// <summary>Calls the health service through <see cref="ServiceClientExtensions.AddServiceClient{TClient}"/>, as a peer service would.</summary>
    private async Task<ServingStatus> CallHealthAsync(ServiceHost service, bool withClientCertificate, string? trustedBundle = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Services:probe"] = $"https://localhost:{service.Endpoints.Grpc.Port}",
            ["Services:Tls:CaPath"] = trustedBundle ?? _authority.BundlePath,
            ["Services:Tls:CertificatePath"] = withClientCertificate ? Path.Combine(_files, "client.crt") : null,
            ["Services:Tls:KeyPath"] = withClientCertificate ? Path.Combine(_files, "client.key") : null,
        }).Build();
        var services = new ServiceCollection();
        services.AddServiceClient<Health.HealthClient>(configuration, "probe");
        await using var provider = services.BuildServiceProvider();
        var reply = await provider.GetRequiredService<Health.HealthClient>().CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(20));
        return reply.Status;
    }
}
