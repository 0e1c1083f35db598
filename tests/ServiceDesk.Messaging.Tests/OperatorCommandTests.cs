using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Testing;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace ServiceDesk.Messaging.Tests;

/// <summary>The operator's command line (deploy/ops/servicedesk-ops) against a real service.</summary>
[Collection(RedisCollection.Name)]
public sealed class OperatorCommandTests(RedisFixture redis, ITestOutputHelper output)
{
    private static readonly string Tool = Path.Combine(
        AppContext.BaseDirectory, "..", "..", "..", "..", "..", "deploy", "ops", "ServiceDesk.Ops", "bin",
        new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "servicedesk-ops.dll");

    [Fact]
    public async Task The_operator_command_shows_the_backlog_and_redrives_dead_letters()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var identity = await Probes.StartIdentityAsync(redis.Configuration);
        await using var publisher = await ServiceHost.StartAsync(Probes.Service("publisher"), Probes.Settings(redis.Configuration, prefix));
        await using var consumer = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), Probes.Settings(redis.Configuration, prefix).TrustingIdentity(identity));
        var failures = consumer.Services.GetRequiredService<FailureSwitch>();
        failures.FailingKeys["P0"] = true;
        using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var deadLetters = new StreamKeys(prefix, "probe").DeadLetters("consumer-a");

        await Probes.PublishAsync(publisher, 1);
        await Eventually.WaitForAsync(() => admin.GetDatabase().StreamLengthAsync(deadLetters), n => n == 1, "the entry to be dead-lettered");
        var token = await identity.AdminTokenAsync();
        var service = consumer.Endpoints.GrpcUri.ToString();

        var backlog = await RunAsync(token, "backlog", "--service", service, "--family", "probe");
        Assert.Equal(0, backlog.ExitCode);
        Assert.Matches(@"probe\s+consumer-a\s+0\s+0\s+1\s+1", backlog.Output);

        failures.FailingKeys.Clear();
        var redrive = await RunAsync(token, "redrive", "--service", service, "--family", "probe");
        Assert.Equal(0, redrive.ExitCode);
        Assert.Contains("redriven 1, still failing 0", redrive.Output, StringComparison.Ordinal);
        Assert.Equal(0, await admin.GetDatabase().StreamLengthAsync(deadLetters));

        var unauthenticated = await RunAsync(null, "backlog", "--service", service);
        Assert.Equal(2, unauthenticated.ExitCode);
        output.WriteLine($"sent 1, dead-lettered 1, redriven 1 by the command\n{backlog.Output}");
    }

    [Fact]
    public async Task The_operator_command_discards_a_dead_letter_no_redrive_can_handle()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var identity = await Probes.StartIdentityAsync(redis.Configuration);
        await using var consumer = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), Probes.Settings(redis.Configuration, prefix).TrustingIdentity(identity));
        using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var deadLetters = new StreamKeys(prefix, "probe").DeadLetters("consumer-a");
        // What a forger with Redis credentials could leave: no envelope, no signature.
        await admin.GetDatabase().StreamAddAsync(deadLetters, [new(DeadLetters.EntryIdField, "7-7"), new(DeadLetters.ErrorField, DeadLetters.Unauthenticated)]);
        var token = await identity.AdminTokenAsync();
        var service = consumer.Endpoints.GrpcUri.ToString();

        var redrive = await RunAsync(token, "redrive", "--service", service, "--family", "probe");
        var discard = await RunAsync(token, "discard", "--service", service, "--family", "probe", "--entry", "7-7");
        var again = await RunAsync(token, "discard", "--service", service, "--family", "probe", "--entry", "7-7");

        output.WriteLine($"{redrive.Output}{discard.Output}{again.Output}");
        Assert.Equal(1, redrive.ExitCode);
        Assert.Equal(0, discard.ExitCode);
        Assert.Contains("discarded the dead letter of entry 7-7 (unauthenticated:", discard.Output, StringComparison.Ordinal);
        Assert.Equal(0, await admin.GetDatabase().StreamLengthAsync(deadLetters));
        Assert.Equal(1, again.ExitCode);
        Assert.StartsWith("NotFound:", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_operator_command_reaches_a_service_that_requires_mutual_tls_with_the_authority_and_client_certificate_it_is_given()
    {
        var files = TestDirectory.Create("ops-tls");
        var authority = new TestAuthority(files);
        authority.Issue("server", serverName: "localhost");
        authority.Issue("operator", serverName: null);
        await using var identity = await Probes.StartIdentityAsync(redis.Configuration);
        var settings = new Dictionary<string, string?>(Probes.Settings(redis.Configuration, RedisFixture.NewPrefix()).TrustingIdentity(identity))
        {
            ["Endpoints:Tls:CertificatePath"] = Path.Combine(files, "server.crt"),
            ["Endpoints:Tls:KeyPath"] = Path.Combine(files, "server.key"),
            ["Endpoints:Tls:ClientCaPath"] = authority.BundlePath,
        };
        await using var consumer = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), settings);
        var token = await identity.AdminTokenAsync();
        var service = $"https://localhost:{consumer.Endpoints.Grpc.Port}";

        var withCertificate = await RunAsync(token, "backlog", "--service", service, "--family", "probe",
            "--ca", authority.BundlePath, "--cert", Path.Combine(files, "operator.crt"), "--key", Path.Combine(files, "operator.key"));
        var withoutCertificate = await RunAsync(token, "backlog", "--service", service, "--family", "probe", "--ca", authority.BundlePath);

        Assert.Equal(0, withCertificate.ExitCode);
        Assert.Matches(@"probe\s+consumer-a", withCertificate.Output);
        Assert.NotEqual(0, withoutCertificate.ExitCode);
        output.WriteLine($"with a client certificate:\n{withCertificate.Output}\nwithout: exit {withoutCertificate.ExitCode}");
    }

    [Fact]
    public async Task The_usage_shows_each_command_on_a_line_of_its_own()
    {
        var (exitCode, usage) = await RunAsync(token: null);

        Assert.Equal(2, exitCode);
        var lines = usage.Split('\n').Select(line => line.TrimEnd('\r')).ToList();
        foreach (var verb in new[] { "backlog", "redrive", "discard", "verify-evidence" })
        {
            Assert.Contains(lines, line => line.StartsWith($"  servicedesk-ops {verb} --", StringComparison.Ordinal));
        }

        output.WriteLine(usage);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string? token, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Tool);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["SERVICEDESK_TOKEN"] = token ?? string.Empty;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout + await stderr);
    }
}
