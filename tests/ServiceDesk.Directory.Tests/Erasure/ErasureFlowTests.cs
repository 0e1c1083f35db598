using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Directory.Tests.Api;
using ServiceDesk.Directory.Tests.Events;
using ServiceDesk.Hosting;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Ops;
using ServiceDesk.Testing;
using ServiceDesk.Testing.Forensics;
using Xunit;
using Xunit.Abstractions;
using ErasureMode = ServiceDesk.Contracts.Directory.V1.ErasureMode;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Directory.Tests.Erasure;

/// <summary>
/// Removals end to end over real Redis: a Directory and three participants built from the real erasure building
/// block (as identity, ticketing and notification) on a stream prefix of the test's own.
/// </summary>
[Collection(DirectoryApiCollection.Name)]
public sealed class ErasureFlowTests(DirectoryHostFixture hosts, ITestOutputHelper output)
{
    private static readonly TimeSpan FlowTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_removal_completes_with_every_receipt_leaves_nothing_readable_in_Directory_and_exports_verifiable_evidence()
    {
        await using var system = await ErasureSystem.StartAsync(hosts);
        var project = TestData.ProjectKey();
        await system.Admin.RegisterProjectAsync(new RegisterProjectRequest { ProjectKey = project });
        var (address, name) = ($"Zelda.Quirinus-{Guid.NewGuid():N}@Moved-Away.example", $"Zelda Quirinus{Guid.NewGuid():N}"[..20]);
        var customer = await system.Admin.CreateCustomerAsync(new CreateCustomerRequest { Address = address, DisplayName = name, ProjectKeys = { project } });
        Assert.Single((await system.Admin.SuggestCustomersAsync(new SuggestCustomersRequest { ProjectKey = project, Text = "zelda", Limit = 10 })).Suggestions);

        var removal = await system.Erasure.RemoveCustomerAsync(
            new RemoveCustomerRequest { CustomerId = customer.Id, Mode = ErasureMode.Anonymize, Reason = ErasureReason.ContactMoved });

        // Tombstoned before the call returned: the picker and the profile are gone at once.
        Assert.Empty((await system.Admin.SuggestCustomersAsync(new SuggestCustomersRequest { ProjectKey = project, Text = "zelda", Limit = 10 })).Suggestions);
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => system.Admin.GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.Id }));
        Assert.Equal(ErasureStatus.InProgress, removal.Status);
        Assert.Equal(removal.ReceivedAt.ToDateTimeOffset().AddDays(30), removal.DueAt.ToDateTimeOffset());
        var directoryPart = removal.Participants.Single(p => p.Service == ServiceNames.Directory);
        Assert.Equal(ParticipantState.Done, directoryPart.State);
        Assert.Equal(1, directoryPart.Counts["profiles_deleted"]);
        Assert.Equal(1, directoryPart.Counts["memberships_deleted"]);

        var completed = await Eventually.WaitForAsync(
            () => system.Erasure.GetErasureAsync(new GetErasureRequest { ErasureId = removal.Id }).ResponseAsync,
            erasure => erasure.Status == ErasureStatus.Completed,
            "every participant's receipt",
            FlowTimeout);
        Assert.Equal(["identity", "directory", "ticketing", "notification"], completed.Participants.Select(p => p.Service));
        Assert.All(completed.Participants, p => Assert.Equal(ParticipantState.Done, p.State));
        Assert.All(completed.Participants.Where(p => p.Service != ServiceNames.Directory), p => Assert.Equal(2, p.Counts[ParticipantProbe.ItemsErased]));
        Assert.NotNull(completed.CompletedAt);

        var evidence = await system.Erasure.ExportErasureEvidenceAsync(new ExportErasureEvidenceRequest { ErasureId = removal.Id });
        var document = evidence.Document.ToStringUtf8();
        output.WriteLine(document);
        Assert.Null(EvidenceVerification.Verify(evidence, evidence.PublicKeyPem));
        Assert.Contains(removal.Id, document);
        Assert.DoesNotContain(address, document, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(name, document, StringComparison.OrdinalIgnoreCase);

        // While Directory runs: closing a LiteDB file checkpoints it anyway, so only a scan of the live files
        // shows that the removal itself left nothing behind in the file or its log.
        var needles = new[] { address, name, customer.Address };
        var inFiles = ForensicScan.Files([system.Directory.DataDirectory], needles);
        var inRedis = await ForensicScan.RedisAsync(hosts.Redis, needles);
        Assert.Empty(inFiles);
        Assert.Empty(inRedis);
        Assert.DoesNotContain(address, system.Directory.Logs.All, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(name, system.Directory.Logs.All, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_failing_participant_shows_as_failed_with_its_reason_until_a_retry_completes_the_removal()
    {
        await using var system = await ErasureSystem.StartAsync(hosts);
        system.Notification.Fail = true;
        var customer = await system.Admin.CreateCustomerAsync(new CreateCustomerRequest { Address = TestData.Address(), DisplayName = "Failing Once" });
        var removal = await system.Erasure.RemoveCustomerAsync(new RemoveCustomerRequest { CustomerId = customer.Id, Reason = ErasureReason.AccountClosed });

        var failed = await Eventually.WaitForAsync(
            () => system.Erasure.GetErasureAsync(new GetErasureRequest { ErasureId = removal.Id }).ResponseAsync,
            erasure => erasure.Status == ErasureStatus.Failed && erasure.Participants.Count(p => p.State == ParticipantState.Done) == 3,
            "notification's failure and the others' receipts",
            FlowTimeout);
        var notification = failed.Participants.Single(p => p.Service == ServiceNames.Notification);
        Assert.Equal(ParticipantState.Failed, notification.State);
        Assert.Contains("InvalidOperationException", notification.Error);
        Assert.Contains(failed, (await system.Erasure.ListErasuresAsync(new ListErasuresRequest { Status = ErasureStatus.Failed })).Erasures);

        // The evidence says the profile as removed is still readable under the request's key while notification is not done.
        const string held = "Until ticketing and notification are done";
        Assert.Contains(held, (await system.Erasure.ExportErasureEvidenceAsync(new ExportErasureEvidenceRequest { ErasureId = removal.Id })).Document.ToStringUtf8());

        system.Notification.Fail = false;
        var retried = await system.Erasure.RetryErasureAsync(new RetryErasureRequest { ErasureId = removal.Id });
        Assert.Equal(ErasureStatus.InProgress, retried.Status);
        Assert.Equal(ParticipantState.Pending, retried.Participants.Single(p => p.Service == ServiceNames.Notification).State);

        await Eventually.WaitForAsync(
            () => system.Erasure.GetErasureAsync(new GetErasureRequest { ErasureId = removal.Id }).ResponseAsync,
            erasure => erasure.Status == ErasureStatus.Completed,
            "the retry to complete the removal",
            FlowTimeout);
        var again = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => system.Erasure.RetryErasureAsync(new RetryErasureRequest { ErasureId = removal.Id }));
        output.WriteLine(again.Status.Detail);

        // The retried command carried the removal's sealed profile as the first did; completion destroyed its key.
        var finalProfiles = system.Notification.FinalProfiles.ToList();
        Assert.Equal(2, finalProfiles.Count);
        Assert.NotNull(finalProfiles[0]);
        Assert.Equal(finalProfiles[0], finalProfiles[1]);
        var key = await system.Directory.Services.GetRequiredService<ServiceDesk.Directory.Keys.ICustomerKeyStore>().FindAsync(finalProfiles[0]!.KeyId, CancellationToken.None);
        Assert.NotNull(key!.Destroyed);
        Assert.DoesNotContain(held, (await system.Erasure.ExportErasureEvidenceAsync(new ExportErasureEvidenceRequest { ErasureId = removal.Id })).Document.ToStringUtf8());
    }

    [Fact]
    public async Task A_receipt_for_another_service_than_its_sender_is_ignored_and_a_late_failure_never_undoes_a_success()
    {
        await using var system = await ErasureSystem.StartAsync(hosts);
        system.Identity.Fail = true;
        var customer = await system.Admin.CreateCustomerAsync(new CreateCustomerRequest { Address = TestData.Address(), DisplayName = "Forged Receipts" });
        var removal = await system.Erasure.RemoveCustomerAsync(new RemoveCustomerRequest { CustomerId = customer.Id, Reason = ErasureReason.AccountClosed });
        await Eventually.WaitForAsync(
            () => system.Erasure.GetErasureAsync(new GetErasureRequest { ErasureId = removal.Id }).ResponseAsync,
            erasure => erasure.Status == ErasureStatus.Failed && erasure.Participants.Count(p => p.State == ParticipantState.Done) == 3,
            "identity's failure and the others' receipts",
            FlowTimeout);

        // Ticketing's host claims identity's part, and sends a failure for its own part after its success.
        var ticketingEvents = system.TicketingHost.Services.GetRequiredService<IntegrationEvents>();
        var forged = await ticketingEvents.PublishAsync(
            [
                new ErasureReceipt { RequestId = removal.Id, Service = ServiceNames.Identity, Outcome = ReceiptOutcome.Succeeded },
                new ErasureReceipt { RequestId = removal.Id, Service = ServiceNames.Ticketing, Outcome = ReceiptOutcome.Failed, Error = "late failure" },
            ],
            CancellationToken.None);
        var inbox = system.Directory.Services.GetRequiredService<ServiceDesk.Messaging.Inbox.IInboxStore>();
        await Eventually.WaitForAsync(
            async () => (await Task.WhenAll(forged.Select(e => inbox.IsHandledAsync(e.EventId, CancellationToken.None)))).All(handled => handled),
            handled => handled,
            "Directory to handle both receipts",
            FlowTimeout);

        var after = await system.Erasure.GetErasureAsync(new GetErasureRequest { ErasureId = removal.Id });
        Assert.Equal(ErasureStatus.Failed, after.Status);
        Assert.Equal(ParticipantState.Failed, after.Participants.Single(p => p.Service == ServiceNames.Identity).State);
        Assert.Equal(ParticipantState.Done, after.Participants.Single(p => p.Service == ServiceNames.Ticketing).State);
    }

    [Fact]
    public async Task A_preview_counts_per_service_and_reports_an_unreachable_one_without_failing_or_changing_anything()
    {
        // Nothing listens there: Notification's part cannot be asked.
        await using var system = await ErasureSystem.StartAsync(hosts, notificationAddress: "http://127.0.0.1:1");
        var customer = await system.Admin.CreateCustomerAsync(new CreateCustomerRequest { Address = TestData.Address(), DisplayName = "Previewed" });

        var preview = await system.Erasure.PreviewRemovalAsync(new PreviewRemovalRequest { CustomerId = customer.Id, Mode = ErasureMode.Purge });

        Assert.Equal(["identity", "directory", "ticketing", "notification"], preview.Impacts.Select(i => i.Service));
        // The customer has no account: Identity's part would delete nothing.
        Assert.Empty(preview.Impacts[0].Error);
        Assert.Equal(0, preview.Impacts[0].Counts.GetValueOrDefault("accounts_deleted"));
        Assert.Equal(1, preview.Impacts[1].Counts["profiles_deleted"]);
        Assert.Empty(preview.Impacts[2].Error);
        Assert.Equal(2, preview.Impacts[2].Counts[ParticipantProbe.ItemsErased]);
        Assert.NotEmpty(preview.Impacts[3].Error);
        Assert.Empty(preview.Impacts[3].Counts);
        Assert.Equal(customer.Id, (await system.Admin.GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.Id })).Id);
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => system.Erasure.PreviewRemovalAsync(new PreviewRemovalRequest { CustomerId = TestData.Id() }));
    }

    /// <summary>Directory and its three probe participants on one fresh stream prefix.</summary>
    private sealed class ErasureSystem : IAsyncDisposable
    {
        private readonly List<ServiceHost> _hosts = [];

        public ProbeSwitch Identity { get; } = new();

        public ProbeSwitch Ticketing { get; } = new();

        public ProbeSwitch Notification { get; } = new();

        public ServiceHost Directory { get; private set; } = null!;

        public ServiceHost TicketingHost { get; private set; } = null!;

        public DirectoryService.DirectoryServiceClient Admin { get; private set; } = null!;

        public ErasureService.ErasureServiceClient Erasure { get; private set; } = null!;

        /// <param name="notificationAddress">Where Directory asks Notification's part for a preview; the notification probe's by default.</param>
        public static async Task<ErasureSystem> StartAsync(DirectoryHostFixture hosts, string? notificationAddress = null)
        {
            var system = new ErasureSystem();
            var prefix = RedisFixture.NewPrefix();
            var identity = await ParticipantProbe.StartAsync(ServiceNames.Identity, system.Identity, hosts.Redis, prefix, hosts.Identity);
            system._hosts.Add(identity);
            system.TicketingHost = await ParticipantProbe.StartAsync(ServiceNames.Ticketing, system.Ticketing, hosts.Redis, prefix, hosts.Identity);
            system._hosts.Add(system.TicketingHost);
            var notification = await ParticipantProbe.StartAsync(ServiceNames.Notification, system.Notification, hosts.Redis, prefix, hosts.Identity);
            system._hosts.Add(notification);
            system.Directory = await ServiceHost.StartAsync(ServiceApps.Directory, new Dictionary<string, string?>(TicketingProbe.Messaging(hosts.Redis, prefix))
            {
                ["Auth:Authority"] = hosts.Identity.Endpoints.HttpUri.ToString(),
                ["Auth:ServiceSecret"] = ServiceSecret(ServiceNames.Directory),
                // The real Identity: it issues Directory's service token, and answers for Identity's part of a preview.
                ["Services:identity"] = hosts.Identity.Endpoints.GrpcUri.ToString(),
                ["Services:ticketing"] = system.TicketingHost.Endpoints.GrpcUri.ToString(),
                ["Services:notification"] = notificationAddress ?? notification.Endpoints.GrpcUri.ToString(),
            });
            system._hosts.Add(system.Directory);
            system.Admin = hosts.AdminClientOf(system.Directory);
            system.Erasure = new ErasureService.ErasureServiceClient(system.Directory.Channel.Intercept(metadata =>
            {
                metadata.Add("authorization", $"Bearer {hosts.AdminToken}");
                return metadata;
            }));
            return system;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var host in _hosts)
            {
                await host.DisposeAsync();
            }
        }
    }
}
