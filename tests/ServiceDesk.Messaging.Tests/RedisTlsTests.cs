using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ServiceDesk.LocalRedis;
using ServiceDesk.Testing;
using StackExchange.Redis;
using Xunit;

namespace ServiceDesk.Messaging.Tests;

/// <summary>
/// Redis over TLS with a certificate of a private authority (the prod overlay's <c>ssl=true</c>): the services trust
/// the authority named by <c>Redis:CaPath</c>, as their own calls trust <c>Services:Tls:CaPath</c>.
/// </summary>
public sealed class RedisTlsTests
{
    [Fact]
    public async Task A_service_reaches_a_tls_redis_whose_certificate_its_configured_authority_issued()
    {
        var files = TestDirectory.Create("redis-tls");
        var authority = new TestAuthority(files);
        authority.Issue("redis", serverName: "localhost");
        var port = FreePorts.Next();
        using var redis = Process.Start(new ProcessStartInfo("redis-server")
        {
            ArgumentList =
            {
                "--port", "0", "--tls-port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--tls-cert-file", Path.Combine(files, "redis.crt"), "--tls-key-file", Path.Combine(files, "redis.key"),
                "--tls-ca-cert-file", authority.BundlePath, "--tls-auth-clients", "no",
                "--save", "", "--appendonly", "no", "--dir", files, "--logfile", Path.Combine(files, "redis.log"),
            },
            UseShellExecute = false,
        })!;
        try
        {
            await Eventually.WaitForAsync(() => Accepts(port), "redis-server to listen with TLS", TimeSpan.FromSeconds(20));
            var builder = Host.CreateApplicationBuilder();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Redis:Configuration"] = $"127.0.0.1:{port},ssl=true,sslHost=localhost,connectTimeout=2000",
                ["Redis:CaPath"] = authority.BundlePath,
            });
            builder.AddRedis("probe");
            using var host = builder.Build();
            var multiplexer = host.Services.GetRequiredService<IConnectionMultiplexer>();

            await Eventually.WaitForAsync(() => multiplexer.IsConnected, "a TLS connection to Redis", TimeSpan.FromSeconds(20));
            Assert.Equal("PONG", (await multiplexer.GetDatabase().ExecuteAsync("PING")).ToString());
        }
        finally
        {
            redis.Kill();
            await redis.WaitForExitAsync();
        }
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
