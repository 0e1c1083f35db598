using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.LocalRedis;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Testing;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace ServiceDesk.Messaging.Tests;

[Collection(RedisCollection.Name)]
public sealed class FailureTests(RedisFixture redis, ITestOutputHelper output) : ProbeStreamTests(redis)
{
    [Fact]
    public async Task A_handler_that_keeps_failing_is_retried_then_dead_lettered_and_the_redrive_command_processes_it()
    {
        await using var identity = await Probes.StartIdentityAsync(RedisConfiguration);
        await using var publisher = await ServiceHost.StartAsync(Probes.Service("publisher"), Probes.Settings(RedisConfiguration, Prefix));
        await using var consumer = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), Probes.Settings(RedisConfiguration, Prefix).TrustingIdentity(identity));
        var received = consumer.Services.GetRequiredService<Received>();
        consumer.Services.GetRequiredService<FailureSwitch>().FailingKeys["P2"] = true;
        var operations = new EventOperations.EventOperationsClient(consumer.Channel);
        var admin = IdentityTestHost.Bearer(await identity.AdminTokenAsync());

        await Probes.PublishAsync(publisher, 4);
        await Eventually.WaitForAsync(() => Redis.StreamLengthAsync(Keys.DeadLetters("consumer-a")), n => n == 1, "the failing entry to be dead-lettered");

        Assert.Equal(3, received.Attempts["P2"]);
        Assert.Equal(["P0", "P1", "P3"], received.ProjectKeys.Order());
        var dead = (await Redis.StreamRangeAsync(Keys.DeadLetters("consumer-a"), "-", "+")).Single();
        Assert.Equal("InvalidOperationException: Handler refused project P2", (string?)dead["error"]);
        Assert.Equal(3, (int)dead["attempts"]);

        var backlog = await operations.ListEventBacklogAsync(new ListEventBacklogRequest { Family = "probe" }, admin);
        var groupA = backlog.Groups.Single(g => g.Group == "consumer-a");
        Assert.Equal((0, 0, 1), (groupA.Pending, groupA.Lag, groupA.DeadLettered));
        var groupB = backlog.Groups.Single(g => g.Group == "consumer-b");
        Assert.Equal((0, 4, 0), (groupB.Pending, groupB.Lag, groupB.DeadLettered));

        // Still failing: the re-drive keeps it dead-lettered with the new attempt.
        var stillFailing = await operations.RedriveDeadLettersAsync(new RedriveDeadLettersRequest { Family = "probe" }, admin);
        Assert.Equal((0, 1), (stillFailing.Redriven, stillFailing.Failed));
        Assert.Equal(1, await Redis.StreamLengthAsync(Keys.DeadLetters("consumer-a")));

        consumer.Services.GetRequiredService<FailureSwitch>().FailingKeys.Clear();
        var redrive = await operations.RedriveDeadLettersAsync(new RedriveDeadLettersRequest { Family = "probe" }, admin);

        output.WriteLine($"sent 4; handled {received.Count}; P2 attempts {received.Attempts["P2"]}; redriven {redrive.Redriven}");
        Assert.Equal((1, 0), (redrive.Redriven, redrive.Failed));
        Assert.Equal(0, await Redis.StreamLengthAsync(Keys.DeadLetters("consumer-a")));
        Assert.Equal(4, received.Count);
        Assert.All(received.TimesHandled.Values, times => Assert.Equal(1, times));
    }

    [Fact]
    public async Task The_redrive_command_rejects_an_unknown_family_with_a_field_violation()
    {
        await using var identity = await Probes.StartIdentityAsync(RedisConfiguration);
        await using var consumer = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), Probes.Settings(RedisConfiguration, Prefix).TrustingIdentity(identity));
        var operations = new EventOperations.EventOperationsClient(consumer.Channel);
        var admin = IdentityTestHost.Bearer(await identity.AdminTokenAsync());

        var error = await Assert.ThrowsAsync<RpcException>(() => operations.RedriveDeadLettersAsync(new RedriveDeadLettersRequest { Family = "nope", Limit = 5 }, admin).ResponseAsync);
        var outOfRange = await Assert.ThrowsAsync<RpcException>(() => operations.RedriveDeadLettersAsync(new RedriveDeadLettersRequest { Family = "probe", Limit = 5000 }, admin).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("family", error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations.Single().Field);
        Assert.Equal("limit", outOfRange.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations.Single().Field);
    }

    [Fact]
    public async Task Only_admins_may_see_the_backlog_redrive_or_discard_not_even_the_consuming_service_itself()
    {
        await using var identity = await Probes.StartIdentityAsync(RedisConfiguration);
        await using var consumer = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), Probes.Settings(RedisConfiguration, Prefix).TrustingIdentity(identity));
        var operations = new EventOperations.EventOperationsClient(consumer.Channel);
        var agent = await identity.NewSignedInAsync(Contracts.Identity.V1.Role.Agent, projects: "HELP");
        var customer = await identity.NewSignedInAsync(Contracts.Identity.V1.Role.Customer, customerId: CustomerIds.Named("c-1"));
        var service = await identity.ServiceTokenAsync("consumer-a", Probes.ConsumerSecret);

        async Task<StatusCode> StatusOf(string? token)
        {
            try
            {
                await operations.ListEventBacklogAsync(new ListEventBacklogRequest(), IdentityTestHost.Bearer(token));
                await operations.RedriveDeadLettersAsync(new RedriveDeadLettersRequest { Family = "probe" }, IdentityTestHost.Bearer(token));
                return StatusCode.OK;
            }
            catch (RpcException exception)
            {
                return exception.StatusCode;
            }
        }

        // NOT_FOUND once past the authorization: the group holds no dead letter.
        async Task<StatusCode> DiscardStatusOf(string? token) =>
            (await Assert.ThrowsAsync<RpcException>(() =>
                operations.DiscardDeadLetterAsync(new DiscardDeadLetterRequest { Family = "probe", EntryId = "1-1" }, IdentityTestHost.Bearer(token)).ResponseAsync)).StatusCode;

        Assert.Equal(StatusCode.Unauthenticated, await StatusOf(null));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(customer.AccessToken));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(agent.AccessToken));
        Assert.Equal(StatusCode.OK, await StatusOf(await identity.AdminTokenAsync()));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(service));
        Assert.Equal(
            [StatusCode.Unauthenticated, StatusCode.PermissionDenied, StatusCode.PermissionDenied, StatusCode.NotFound, StatusCode.PermissionDenied],
            [await DiscardStatusOf(null), await DiscardStatusOf(customer.AccessToken), await DiscardStatusOf(agent.AccessToken),
             await DiscardStatusOf(await identity.AdminTokenAsync()), await DiscardStatusOf(service)]);
    }

    [Fact]
    public async Task A_process_killed_between_the_store_write_and_the_publish_publishes_after_restart()
    {
        const int sent = 10;
        var dataDirectory = TestDirectory.Create("killed");
        var writer = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "ServiceDesk.OutboxWriter", "bin",
            new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "ServiceDesk.OutboxWriter.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { writer, dataDirectory, "publisher", sent.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        using (var process = Process.Start(start)!)
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal("committed", line);
            process.Kill();
            await process.WaitForExitAsync();
        }

        Assert.Equal(0, await Redis.StreamLengthAsync(Keys.Stream));

        await using var restarted = await ServiceHost.StartAsync(Probes.Service("publisher"), Probes.Settings(RedisConfiguration, Prefix), dataDirectory);
        await using var consumer = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), Probes.Settings(RedisConfiguration, Prefix));
        var received = consumer.Services.GetRequiredService<Received>();
        await Eventually.WaitForAsync(() => received.Count == sent, "the restarted service's relay to publish what the killed one committed");

        output.WriteLine($"committed {sent} before the kill, published 0 before it, received {received.Count} after the restart");
        Assert.Equal(Enumerable.Range(0, sent).Select(i => $"K{i}"), received.ProjectKeys);
    }

    /// <summary>
    /// A Redis outage is expected: the relay logs each failed round as a Warning naming the exception's type, as the
    /// consumers do, not with the client's stack every round (an operator alerting on stacks or errors was paged by
    /// every stop of Redis).
    /// </summary>
    [Fact]
    public async Task The_relay_logs_a_redis_outage_as_a_warning_without_a_stack()
    {
        await using var ownRedis = await RedisServer.StartAsync(TestDirectory.Create("redis-outage-log"));
        await using var publisher = await ServiceHost.StartAsync(Probes.Service("publisher"), Probes.Settings(ownRedis.Configuration, Prefix));
        static bool FromTheRelay(string line) => line.Contains("\"category\":\"ServiceDesk.Messaging.Publishing.OutboxRelay\"", StringComparison.Ordinal);

        await ownRedis.StopAsync();
        await Probes.PublishAsync(publisher, 1, "OUTAGE");
        await Eventually.WaitForAsync(
            () => publisher.Logs.Lines.Count(line => FromTheRelay(line) && line.Contains("\"level\":\"Warning\"", StringComparison.Ordinal)) >= 2,
            "the relay to log two failed rounds",
            TimeSpan.FromSeconds(60));
        await ownRedis.StartAsync();

        var relayed = publisher.Logs.Lines.Where(FromTheRelay).ToList();
        Assert.All(relayed, line => Assert.DoesNotContain("\"exception\"", line, StringComparison.Ordinal));
        Assert.DoesNotContain(relayed, line => line.Contains("\"level\":\"Error\"", StringComparison.Ordinal));
        Assert.Contains(relayed, line => line.Contains("RedisConnectionException", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_redis_restart_with_aof_loses_no_entries_published_or_pending()
    {
        await using var ownRedis = await RedisServer.StartAsync(TestDirectory.Create("redis-restart"));
        await using var publisher = await ServiceHost.StartAsync(Probes.Service("publisher"), Probes.Settings(ownRedis.Configuration, Prefix));
        await using var consumer = await ServiceHost.StartAsync(Probes.Consumer("consumer-a"), Probes.Settings(ownRedis.Configuration, Prefix));
        var failures = consumer.Services.GetRequiredService<FailureSwitch>();
        var received = consumer.Services.GetRequiredService<Received>();
        using var admin = await ConnectionMultiplexer.ConnectAsync(ownRedis.Configuration);

        // Delivered to the consumer but not acknowledged: the handler fails for now.
        failures.FailEverything = true;
        await Probes.PublishAsync(publisher, 10, "PENDING");
        // The stream appears with its groups, created by whichever of the relay and the consumer comes first.
        await Eventually.WaitForAsync(
            async () => await admin.GetDatabase().KeyExistsAsync(Keys.Stream) ? (await admin.GetDatabase().StreamPendingAsync(Keys.Stream, "consumer-a")).PendingMessageCount : 0,
            n => n == 10,
            "ten pending entries");

        await ownRedis.StopAsync();
        // Published while Redis is down: they wait in the outbox.
        await Probes.PublishAsync(publisher, 10, "OUTAGE");
        await ownRedis.StartAsync();
        failures.FailEverything = false;

        await Eventually.WaitForAsync(() => received.Count == 20, "every pending and every outage event after the restart", TimeSpan.FromSeconds(60));
        output.WriteLine($"sent 20 (10 pending across the restart, 10 during the outage), received {received.Count}");
        Assert.All(received.TimesHandled.Values, times => Assert.Equal(1, times));
    }
}
