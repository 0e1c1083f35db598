using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Erasure.V1;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Identity.Erasure;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Testing;
using ServiceDesk.Testing.Forensics;
using ConnectionMultiplexer = StackExchange.Redis.ConnectionMultiplexer;
using Xunit;
using Xunit.Abstractions;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Identity.Tests;

/// <summary>Identity's part of a customer removal, driven by the erasure command on real Redis.</summary>
[Collection(IdentityCollection.Name)]
public sealed class ErasureTests(IdentityFixture fixture, ITestOutputHelper output)
{
    private readonly string _prefix = RedisFixture.NewPrefix();

    [Fact]
    public async Task Erasing_a_customer_deletes_their_account_ends_refresh_and_sign_in_at_once_and_leaves_no_trace_of_the_login()
    {
        await using var identity = await StartIdentityAsync();
        var customerId = Guid.NewGuid().ToString("N");
        // The login is the customer's old address; the display name is Directory's, searched for all the same.
        var login = $"Erin.Quokka-{Guid.NewGuid():N}"[..24] + "@Old-Employer.example";
        const string displayName = "Erin Zanzibar-Quokka";
        await identity.Client().CreateAccountAsync(
            new CreateAccountRequest { Login = login, Password = Password, Role = Role.Customer, CustomerId = customerId }, Bearer(await identity.AdminTokenAsync()));
        var first = await identity.SignInAsync(login);
        var second = await identity.SignInAsync(login.ToUpperInvariant());
        var refreshed = await identity.Client().RefreshAsync(new RefreshRequest { RefreshToken = second.RefreshToken });
        var bystander = await identity.NewSignedInAsync(Role.Customer, Guid.NewGuid().ToString("N"));

        var preview = await new ErasureParticipantService.ErasureParticipantServiceClient(identity.Channel).PreviewErasureAsync(
            new PreviewErasureRequest { CustomerId = customerId }, Bearer(await identity.ServiceTokenAsync(ServiceNames.Directory)));
        Assert.Equal((1L, 2L, 3L), (preview.Counts[IdentityErasure.AccountsDeleted], preview.Counts[IdentityErasure.SessionsEnded], preview.Counts[IdentityErasure.RefreshTokensDeleted]));

        var command = await EraseAsync(identity, customerId, login);
        var receipt = await WaitForReceiptAsync(command.RequestId);

        Assert.Equal((ServiceNames.Identity, ReceiptOutcome.Succeeded), (receipt.Service, receipt.Outcome));
        Assert.Equal(preview.Counts, receipt.Counts);
        foreach (var token in new[] { first.RefreshToken, refreshed.RefreshToken })
        {
            await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => identity.Client().RefreshAsync(new RefreshRequest { RefreshToken = token }));
        }

        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => identity.Client().SignInAsync(new SignInRequest { Login = login, Password = Password }));
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => identity.Client().WhoAmIAsync(new WhoAmIRequest(), Bearer(first.AccessToken)));
        await identity.Client().WhoAmIAsync(new WhoAmIRequest(), Bearer(bystander.AccessToken));
        var recreate = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => identity.Client().CreateAccountAsync(
            new CreateAccountRequest { Login = NewLogin(), Password = Password, Role = Role.Customer, CustomerId = customerId }, Bearer(identity.AdminTokenAsync().Result)));
        Assert.DoesNotContain(login, recreate.Status.Detail, StringComparison.OrdinalIgnoreCase);

        var needles = new[] { login, login.Split('@')[0], displayName };
        var onDisk = ForensicScan.Files([identity.DataDirectory], needles);
        var inRedis = await ForensicScan.RedisAsync(fixture.Redis, needles);
        output.WriteLine($"scanned {string.Join(", ", System.IO.Directory.GetFiles(identity.DataDirectory, "*", SearchOption.AllDirectories).Select(Path.GetFileName))} and Redis: {onDisk.Count + inRedis.Count} findings");
        Assert.Empty(onDisk);
        Assert.Empty(inRedis);
        Assert.DoesNotContain(login.Split('@')[0], identity.Logs.All, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_same_command_twice_erases_once_and_a_customer_without_accounts_gets_a_receipt_with_zero_counts()
    {
        await using var identity = await StartIdentityAsync();
        var customerId = Guid.NewGuid().ToString("N");
        var login = NewLogin("twice");
        await identity.Client().CreateAccountAsync(
            new CreateAccountRequest { Login = login, Password = Password, Role = Role.Customer, CustomerId = customerId }, Bearer(await identity.AdminTokenAsync()));
        await identity.SignInAsync(login);

        var command = await EraseAsync(identity, customerId, login);
        await WaitForReceiptAsync(command.RequestId);
        await SignedEvents.PublishAsync(identity, command);
        var receipts = await Eventually.WaitForAsync(() => ReceiptsAsync(command.RequestId), r => r.Count == 2, "the second receipt");
        Assert.All(receipts, r => Assert.Equal((1L, 1L), (r.Counts[IdentityErasure.AccountsDeleted], r.Counts[IdentityErasure.SessionsEnded])));

        var nobody = await EraseAsync(identity, Guid.NewGuid().ToString("N"), NewLogin("nobody"));
        var empty = await WaitForReceiptAsync(nobody.RequestId);
        Assert.Equal(ReceiptOutcome.Succeeded, empty.Outcome);
        Assert.All(empty.Counts.Values, count => Assert.Equal(0, count));
    }

    [Fact]
    public async Task Every_service_refuses_an_access_token_issued_before_the_erasure_within_the_stated_bound()
    {
        // The bound Identity states: Identity:Tokens:AccessTokenLifetime + Auth:ClockSkew after the erasure (here 5 s + 0).
        var bound = TimeSpan.FromSeconds(5);
        await using var identity = await StartIdentityAsync(("Identity:Tokens:AccessTokenLifetime", "00:00:05"));
        var services = new List<ServiceHost>();
        try
        {
            foreach (var app in new[] { ServiceApps.Directory, ServiceApps.Ticketing, ServiceApps.Notification })
            {
                services.Add(await ServiceHost.StartAsync(app, new Dictionary<string, string?>
                {
                    ["Redis:Configuration"] = fixture.Redis,
                    ["Messaging:KeyPrefix"] = _prefix,
                    ["Auth:Authority"] = identity.Endpoints.HttpUri.ToString(),
                    ["Auth:ClockSkew"] = "00:00:00",
                }));
            }

            // A customer may not read the backlog: PERMISSION_DENIED while the token is accepted, UNAUTHENTICATED once refused.
            // Another customer's token first, so that each service has fetched Identity's keys before the short-lived token is issued.
            var bystander = await identity.NewSignedInAsync(Role.Customer, Guid.NewGuid().ToString("N"));
            foreach (var service in services.Append(identity))
            {
                Assert.Equal((service.Service.Name, StatusCode.PermissionDenied), (service.Service.Name, await BacklogStatusAsync(service, bystander.AccessToken)));
            }

            var customerId = Guid.NewGuid().ToString("N");
            var login = NewLogin("bound");
            await identity.Client().CreateAccountAsync(
                new CreateAccountRequest { Login = login, Password = Password, Role = Role.Customer, CustomerId = customerId }, Bearer(await identity.AdminTokenAsync()));
            var signedIn = await identity.SignInAsync(login);
            var issued = Stopwatch.StartNew();
            foreach (var service in services.Append(identity))
            {
                var status = await BacklogStatusAsync(service, signedIn.AccessToken);
                Assert.True(status == StatusCode.PermissionDenied, $"{service.Service.Name} answered {status} {issued.Elapsed.TotalSeconds:F1} s after sign-in, within the token's {bound.TotalSeconds} s");
            }

            var command = await EraseAsync(identity, customerId, login);
            await WaitForReceiptAsync(command.RequestId);
            var erased = Stopwatch.StartNew();

            Assert.Equal(StatusCode.Unauthenticated, await BacklogStatusAsync(identity, signedIn.AccessToken));
            foreach (var service in services)
            {
                await Eventually.WaitForAsync(
                    () => BacklogStatusAsync(service, signedIn.AccessToken), status => status == StatusCode.Unauthenticated, $"{service.Service.Name} to refuse the token", bound + TimeSpan.FromSeconds(10));
                output.WriteLine($"{service.Service.Name} refused the erased customer's access token {erased.Elapsed.TotalSeconds:F1} s after the receipt");
            }

            // Over the bound only by the polling and the calls themselves, slow on a loaded 2-core runner.
            Assert.InRange(erased.Elapsed, TimeSpan.Zero, bound + TimeSpan.FromSeconds(2));
        }
        finally
        {
            foreach (var service in services)
            {
                await service.DisposeAsync();
            }
        }
    }

    private Task<ServiceHost> StartIdentityAsync(params (string Key, string? Value)[] overrides) =>
        IdentityTestHost.StartAsync(fixture.Redis, [("Messaging:KeyPrefix", _prefix), ("Messaging:PollInterval", "00:00:00.250"), ("Messaging:RelayInterval", "00:00:00.250"), .. overrides]);

    /// <summary>The command as Directory publishes it, here through Identity's own event bus (the same outbox, relay and signed stream entry).</summary>
    private static async Task<CustomerErasureRequested> EraseAsync(ServiceHost identity, string customerId, string address)
    {
        var command = new CustomerErasureRequested
        {
            RequestId = $"er-{Guid.NewGuid():N}",
            CustomerId = customerId,
            Mode = ErasureMode.Anonymize,
            AddressHash = identity.Services.GetRequiredService<ErasedCustomers>().HashAddress(address),
            Participants = { ServiceNames.Identity, ServiceNames.Ticketing, ServiceNames.Notification },
            Pseudonym = "Former customer 7F3A",
        };
        await SignedEvents.PublishAsync(identity, command);
        return command;
    }

    /// <summary>Identity's own receipt: where other services run on the same streams, theirs may come first.</summary>
    private async Task<ErasureReceipt> WaitForReceiptAsync(string requestId) =>
        (await Eventually.WaitForAsync(
            async () => (await ReceiptsAsync(requestId)).Where(receipt => receipt.Service == ServiceNames.Identity).ToList(),
            receipts => receipts.Count > 0,
            $"Identity's receipt of {requestId}"))[0];

    private async Task<IReadOnlyList<ErasureReceipt>> ReceiptsAsync(string requestId)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Redis);
        var entries = await redis.GetDatabase().StreamRangeAsync(new StreamKeys(_prefix, "erasure-receipts").Stream);
        return [.. entries
            .Select(entry => EventEnvelope.Parser.ParseFrom((byte[])entry[EventStreams.EnvelopeField]!).Payload.Unpack<ErasureReceipt>())
            .Where(receipt => receipt.RequestId == requestId)];
    }

    private static Task<StatusCode> BacklogStatusAsync(ServiceHost host, string accessToken) =>
        RpcAssert.StatusOfAsync(() => new EventOperations.EventOperationsClient(host.Channel).ListEventBacklogAsync(new ListEventBacklogRequest(), Bearer(accessToken)).ResponseAsync);
}
