using System.Security.Cryptography;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Directory.Erasure;
using ServiceDesk.Directory.Tests.Api;
using ServiceDesk.Hosting;
using ServiceDesk.Ops;
using ServiceDesk.Testing;
using Xunit;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Directory.Tests.Erasure;

/// <summary>The erasure API on one Directory (no participants running: removals wait for their receipts).</summary>
[Collection(DirectoryApiCollection.Name)]
public sealed class ErasureApiTests(DirectoryHostFixture hosts)
{
    private ErasureService.ErasureServiceClient Erasure => ClientAs(hosts.AdminToken);

    public static TheoryData<string> Rpcs => [.. Calls.Keys];

    /// <summary>Each RPC with a well-formed request naming nothing that exists.</summary>
    private static readonly Dictionary<string, Func<ErasureService.ErasureServiceClient, Metadata, Task>> Calls = new()
    {
        ["RemoveCustomer"] = (c, m) => c.RemoveCustomerAsync(new RemoveCustomerRequest { CustomerId = TestData.Id(), Reason = ErasureReason.ContactMoved }, m).ResponseAsync,
        ["PreviewRemoval"] = (c, m) => c.PreviewRemovalAsync(new PreviewRemovalRequest { CustomerId = TestData.Id() }, m).ResponseAsync,
        ["GetErasure"] = (c, m) => c.GetErasureAsync(new GetErasureRequest { ErasureId = TestData.Id() }, m).ResponseAsync,
        ["ListErasures"] = (c, m) => c.ListErasuresAsync(new ListErasuresRequest(), m).ResponseAsync,
        ["RetryErasure"] = (c, m) => c.RetryErasureAsync(new RetryErasureRequest { ErasureId = TestData.Id() }, m).ResponseAsync,
        ["ExportErasureEvidence"] = (c, m) => c.ExportErasureEvidenceAsync(new ExportErasureEvidenceRequest { ErasureId = TestData.Id() }, m).ResponseAsync,
        ["RequestOwnRemoval"] = (c, m) => c.RequestOwnRemovalAsync(new RequestOwnRemovalRequest(), m).ResponseAsync,
        ["ApproveErasure"] = (c, m) => c.ApproveErasureAsync(new ApproveErasureRequest { ErasureId = TestData.Id() }, m).ResponseAsync,
        ["RejectErasure"] = (c, m) => c.RejectErasureAsync(new RejectErasureRequest { ErasureId = TestData.Id(), Reason = RejectionReason.LegalHold }, m).ResponseAsync,
        ["ReinstateAddress"] = (c, m) => c.ReinstateAddressAsync(new ReinstateAddressRequest { ErasureId = TestData.Id(), Reason = ReinstatementReason.CustomerReturned }, m).ResponseAsync,
    };

    [Theory]
    [MemberData(nameof(Rpcs))]
    public async Task Every_erasure_rpc_is_for_admins_only_except_a_customers_own_request_and_no_service_identity_is_granted_one(string rpc)
    {
        var call = Calls[rpc];
        var anyone = new ErasureService.ErasureServiceClient(hosts.Host.Channel);
        var customerOwnsNoProfile = await hosts.TokenOfNewAsync(Role.Customer, TestData.Id());
        var agent = await hosts.TokenOfNewAsync(Role.Agent, null, await hosts.NewProjectAsync());

        Assert.Equal(StatusCode.Unauthenticated, await RpcAssert.StatusOfAsync(() => call(anyone, [])));
        Assert.Equal(
            // A customer lists the requests about themselves: none here.
            rpc switch { "GetErasure" or "RequestOwnRemoval" => StatusCode.NotFound, "ListErasures" => StatusCode.OK, _ => StatusCode.PermissionDenied },
            await RpcAssert.StatusOfAsync(() => call(anyone, Bearer(customerOwnsNoProfile))));
        Assert.Equal(StatusCode.PermissionDenied, await RpcAssert.StatusOfAsync(() => call(anyone, Bearer(agent))));
        foreach (var service in ServiceNames.Backends.Append(ServiceNames.Gateway))
        {
            var token = await hosts.Identity.ServiceTokenAsync(service);
            Assert.Equal(StatusCode.PermissionDenied, await RpcAssert.StatusOfAsync(() => call(anyone, Bearer(token))));
        }

        Assert.Equal(
            rpc switch { "ListErasures" => StatusCode.OK, "RequestOwnRemoval" => StatusCode.PermissionDenied, _ => StatusCode.NotFound },
            await RpcAssert.StatusOfAsync(() => call(anyone, Bearer(hosts.AdminToken))));
    }

    [Fact]
    public async Task Bad_input_names_every_offending_field()
    {
        Assert.Equal(["customer_id", "reason"], (await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Erasure.RemoveCustomerAsync(new RemoveCustomerRequest()))).Fields());
        Assert.Equal(
            ["mode", "reason", "successor_customer_id"],
            (await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Erasure.RemoveCustomerAsync(
                new RemoveCustomerRequest { CustomerId = TestData.Id(), Mode = (ErasureMode)7, Reason = (ErasureReason)99, SuccessorCustomerId = new string('x', 65) }))).Fields());
        Assert.Equal(["mode"], (await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Erasure.PreviewRemovalAsync(new PreviewRemovalRequest { CustomerId = TestData.Id(), Mode = (ErasureMode)3 }))).Fields());
        Assert.Equal(["erasure_id"], (await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Erasure.GetErasureAsync(new GetErasureRequest()))).Fields());
        Assert.Equal(
            ["status", "page_size"],
            (await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Erasure.ListErasuresAsync(new ListErasuresRequest { Status = (ErasureStatus)42, PageSize = 201 }))).Fields());
        Assert.Equal(["page_token"], (await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Erasure.ListErasuresAsync(new ListErasuresRequest { PageToken = "forged" }))).Fields());
        Assert.Equal(["erasure_id", "reason"], (await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Erasure.RejectErasureAsync(new RejectErasureRequest()))).Fields());
        Assert.Equal(["erasure_id", "reason"], (await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Erasure.ReinstateAddressAsync(new ReinstateAddressRequest()))).Fields());
        Assert.Equal(["mode"], (await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Erasure.RequestOwnRemovalAsync(new RequestOwnRemovalRequest { Mode = (ErasureMode)9 }))).Fields());

        var customer = await hosts.NewCustomerAsync();
        Assert.Equal(
            ["successor_customer_id"],
            (await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Erasure.RemoveCustomerAsync(
                new RemoveCustomerRequest { CustomerId = customer.Id, Reason = ErasureReason.ContactMoved, SuccessorCustomerId = customer.Id }))).Fields());
        Assert.Equal(
            ["successor_customer_id"],
            (await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Erasure.RemoveCustomerAsync(
                new RemoveCustomerRequest { CustomerId = customer.Id, Reason = ErasureReason.ContactMoved, SuccessorCustomerId = customer.Id.ToUpperInvariant() }))).Fields());
        var successorId = TestData.Id();
        var unknownSuccessor = await RpcAssert.FailsAsync(StatusCode.NotFound, () => Erasure.RemoveCustomerAsync(
            new RemoveCustomerRequest { CustomerId = customer.Id, Reason = ErasureReason.ContactMoved, SuccessorCustomerId = successorId }));
        Assert.Contains(successorId, unknownSuccessor.ResourceName());
        Assert.NotNull(await hosts.Client.GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.Id }));
    }

    /// <summary>Admins may name customers by ids scoped to a project, as elsewhere: in a preview, a removal and its successor too.</summary>
    [Fact]
    public async Task An_admin_names_the_customer_and_the_successor_by_project_scoped_ids()
    {
        var project = await hosts.NewProjectAsync();
        var customer = await hosts.NewCustomerAsync("Scoped Sam", TestData.Address("scoped.sam"), project);
        var successor = await hosts.NewCustomerAsync("Scoped Successor", TestData.Address("scoped.next"), project);
        var scopedIds = hosts.Host.Services.GetRequiredService<ServiceDesk.Hosting.KeyProtection.ProjectScopedIds>();
        var (scoped, scopedSuccessor) = (scopedIds.For(customer.Id, project), scopedIds.For(successor.Id, project));

        var preview = await Erasure.PreviewRemovalAsync(new PreviewRemovalRequest { CustomerId = scoped });
        var removal = await Erasure.RemoveCustomerAsync(new RemoveCustomerRequest
        {
            CustomerId = scoped, SuccessorCustomerId = scopedSuccessor, Reason = ErasureReason.ContactMoved,
        });

        Assert.Equal(1, preview.Impacts.Single(impact => impact.Service == ServiceNames.Directory).Counts["profiles_deleted"]);
        Assert.Equal((customer.Id, successor.Id), (removal.CustomerId, removal.SuccessorCustomerId));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => hosts.Client.GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.Id }));
        var self = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Erasure.RemoveCustomerAsync(new RemoveCustomerRequest
        {
            CustomerId = successor.Id, SuccessorCustomerId = scopedSuccessor, Reason = ErasureReason.ContactMoved,
        }));
        Assert.Equal(["successor_customer_id"], self.Fields());
    }

    [Fact]
    public async Task An_erased_address_in_any_letter_case_cannot_belong_to_a_customer_again_until_an_admin_reinstates_it()
    {
        var project = await hosts.NewProjectAsync();
        var address = TestData.Address("sam.moved");
        var customer = await hosts.NewCustomerAsync("Moved Away", address, project);
        var removal = await Erasure.RemoveCustomerAsync(new RemoveCustomerRequest { CustomerId = customer.Id, Reason = ErasureReason.ContactMoved, Mode = ErasureMode.Purge });
        var agent = await hosts.TokenOfNewAsync(Role.Agent, null, project);
        var other = await hosts.NewCustomerAsync(projectKeys: project);

        var asAgent = new DirectoryService.DirectoryServiceClient(hosts.Host.Channel);
        var blocked = new[]
        {
            await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => hosts.Client.CreateCustomerAsync(new CreateCustomerRequest { Address = address.ToUpperInvariant(), DisplayName = "Again" })),
            await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => hosts.Client.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = other.Id, Address = "SAM.moved" + address["sam.moved".Length..] })),
            // Stored as the same address: ſ (long s) folds to s.
            await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => hosts.Client.CreateCustomerAsync(new CreateCustomerRequest { Address = "\u017Fam.moved" + address["sam.moved".Length..], DisplayName = "Again" })),
        };
        var blockedForAgent = new[]
        {
            await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => asAgent.CreateCustomerAsync(
                new CreateCustomerRequest { Address = $"  {address}", DisplayName = "Invited", ProjectKeys = { project } }, Bearer(agent))),
            await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => asAgent.UpdateCustomerAsync(
                new UpdateCustomerRequest { CustomerId = other.Id, Address = "\u017Fam.MOVED" + address["sam.moved".Length..] }, Bearer(agent))),
        };
        Assert.All(blocked, error => Assert.Equal($"erasures/{removal.Id}", Violation(error).Subject));
        // Agents are not told which erasure: its id is where the pseudonym on the customer's old tickets comes from.
        Assert.All(blockedForAgent, error => Assert.Equal("erasures", Violation(error).Subject));
        Assert.All(blocked.Concat(blockedForAgent), error => Assert.Equal(ErasedAddresses.PreconditionType, Violation(error).Type));
        Assert.All(blocked.Concat(blockedForAgent), error => Assert.DoesNotContain(address, error.Status.Detail, StringComparison.OrdinalIgnoreCase));
        Assert.All(blockedForAgent, error => Assert.DoesNotContain(removal.Id, error.Status.Detail, StringComparison.Ordinal));
        // Read by people in the console: the way to reinstate is the console's button, not an RPC's name.
        Assert.All(blocked.Concat(blockedForAgent), error => Assert.Contains("\"Reinstate addresses\" on the console's Erasures page", error.Status.Detail, StringComparison.Ordinal));
        // A change that would not apply (a stale version) answers that first, whatever the address.
        await RpcAssert.FailsAsync(StatusCode.Aborted, () => asAgent.UpdateCustomerAsync(
            new UpdateCustomerRequest { CustomerId = other.Id, Address = address, ExpectedVersion = 999_999 }, Bearer(agent)));
        var again = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => Erasure.RemoveCustomerAsync(new RemoveCustomerRequest { CustomerId = customer.Id, Reason = ErasureReason.ContactMoved }));
        Assert.Equal($"erasures/{removal.Id}", Violation(again).Subject);

        // Not before every service is done: one still to erase would take the address's next owner for the removed customer.
        var early = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => Erasure.ReinstateAddressAsync(new ReinstateAddressRequest { ErasureId = removal.Id, Reason = ReinstatementReason.CustomerReturned }));
        Assert.Equal(("ERASURE_NOT_COMPLETED", $"erasures/{removal.Id}"), (Violation(early).Type, Violation(early).Subject));
        await CompletedAsync(removal.Id);
        var reinstated = await Erasure.ReinstateAddressAsync(new ReinstateAddressRequest { ErasureId = removal.Id, Reason = ReinstatementReason.CustomerReturned });

        Assert.Equal(ReinstatementReason.CustomerReturned, reinstated.Reinstatement.Reason);
        Assert.NotEmpty(reinstated.Reinstatement.ReinstatedBy);
        var recreated = await hosts.Client.CreateCustomerAsync(new CreateCustomerRequest { Address = address, DisplayName = "Back Again" });
        Assert.NotEqual(customer.Id, recreated.Id);
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => Erasure.ReinstateAddressAsync(new ReinstateAddressRequest { ErasureId = removal.Id, Reason = ReinstatementReason.RemovedInError }));
    }

    [Fact]
    public async Task A_removal_tombstones_the_former_addresses_no_one_else_has_and_a_reinstatement_lifts_them_with_the_current_one()
    {
        var project = await hosts.NewProjectAsync();
        var (first, second, current) = (TestData.Address("first.home"), TestData.Address("second.home"), TestData.Address("third.home"));
        var customer = await hosts.NewCustomerAsync("Moved Twice", first, project);
        customer = await hosts.Client.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = customer.Id, Address = second });
        customer = await hosts.Client.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = customer.Id, Address = current });
        // Their first address is someone else's now: it stays theirs.
        var successorAtFirst = await hosts.NewCustomerAsync("Took The First", first, project);

        var preview = await Erasure.PreviewRemovalAsync(new PreviewRemovalRequest { CustomerId = customer.Id });
        Assert.Equal(2, preview.Impacts.Single(impact => impact.Service == ServiceNames.Directory).Counts["addresses_tombstoned"]);
        var removal = await Erasure.RemoveCustomerAsync(new RemoveCustomerRequest { CustomerId = customer.Id, Reason = ErasureReason.ContactMoved });
        Assert.Equal(2, removal.Participants.Single(participant => participant.Service == ServiceNames.Directory).Counts["addresses_tombstoned"]);

        foreach (var erased in new[] { current, second.ToUpperInvariant() })
        {
            var refused = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => hosts.Client.CreateCustomerAsync(new CreateCustomerRequest { Address = erased, DisplayName = "Again" }));
            Assert.Equal((ErasedAddresses.PreconditionType, $"erasures/{removal.Id}"), (Violation(refused).Type, Violation(refused).Subject));
        }

        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => hosts.Client.CreateCustomerAsync(new CreateCustomerRequest { Address = first, DisplayName = "Again" }));
        var kept = await hosts.Client.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = successorAtFirst.Id, DisplayName = "Still Here" });
        Assert.Equal(first, kept.Address);

        await CompletedAsync(removal.Id);
        await Erasure.ReinstateAddressAsync(new ReinstateAddressRequest { ErasureId = removal.Id, Reason = ReinstatementReason.CustomerReturned });

        Assert.NotEqual(customer.Id, (await hosts.Client.CreateCustomerAsync(new CreateCustomerRequest { Address = current, DisplayName = "Back" })).Id);
        Assert.NotEqual(customer.Id, (await hosts.Client.CreateCustomerAsync(new CreateCustomerRequest { Address = second, DisplayName = "Back Too" })).Id);
    }

    /// <summary>
    /// A removed customer's address with a subaddress (<c>jane+desk@</c>) is delivered to her mailbox (<c>jane@</c>), which
    /// every other tag reaches too: the removal tombstones that mailbox with it, unless a customer has it. Found in a local
    /// run: after the removal of <c>siobhan.nguyen+help@…</c>, mail from <c>siobhan.nguyen@…</c> and
    /// <c>siobhan.nguyen+other@…</c> to a project open to anyone made each a customer again, named by her name.
    /// </summary>
    [Fact]
    public async Task A_removal_of_a_subaddress_tombstones_the_mailbox_it_reaches_unless_a_customer_has_it()
    {
        var project = await hosts.NewProjectAsync();
        var (local, domain) = ("tagged.home", $"{Guid.NewGuid():N}.example");
        var tagged = await hosts.NewCustomerAsync("Tagged Customer", $"{local}+desk@{domain}", project);
        var (heldLocal, heldDomain) = ("held.home", $"{Guid.NewGuid():N}.example");
        var holder = await hosts.NewCustomerAsync("Mailbox Holder", $"{heldLocal}@{heldDomain}", project);
        var taggedAtHeld = await hosts.NewCustomerAsync("Tagged At Held", $"{heldLocal}+desk@{heldDomain}", project);

        var removal = await Erasure.RemoveCustomerAsync(new RemoveCustomerRequest { CustomerId = tagged.Id, Reason = ErasureReason.CustomerRequest });
        var removalAtHeld = await Erasure.RemoveCustomerAsync(new RemoveCustomerRequest { CustomerId = taggedAtHeld.Id, Reason = ErasureReason.CustomerRequest });

        Assert.Equal(2, removal.Participants.Single(participant => participant.Service == ServiceNames.Directory).Counts["addresses_tombstoned"]);
        foreach (var reaching in new[] { $"{local}@{domain}", $"{local.ToUpperInvariant()}+other@{domain}" })
        {
            var refused = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => hosts.Client.CreateCustomerAsync(new CreateCustomerRequest { Address = reaching, DisplayName = "Again" }));
            Assert.Equal((ErasedAddresses.PreconditionType, $"erasures/{removal.Id}"), (Violation(refused).Type, Violation(refused).Subject));
        }

        Assert.Equal(1, removalAtHeld.Participants.Single(participant => participant.Service == ServiceNames.Directory).Counts["addresses_tombstoned"]);
        Assert.Equal(holder.Address, (await hosts.Client.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = holder.Id, DisplayName = "Still Here" })).Address);

        await CompletedAsync(removal.Id);
        await Erasure.ReinstateAddressAsync(new ReinstateAddressRequest { ErasureId = removal.Id, Reason = ReinstatementReason.CustomerReturned });
        Assert.NotEqual(tagged.Id, (await hosts.Client.CreateCustomerAsync(new CreateCustomerRequest { Address = $"{local}@{domain}", DisplayName = "Back" })).Id);
    }

    [Fact]
    public async Task A_customer_asks_for_their_own_removal_and_sees_the_rejection_or_the_approval()
    {
        var customer = await hosts.NewCustomerAsync("Self Remover");
        var own = ClientAs(await hosts.TokenOfNewAsync(Role.Customer, customer.Id));
        var stranger = ClientAs(await hosts.TokenOfNewAsync(Role.Customer, (await hosts.NewCustomerAsync()).Id));

        var asked = await own.RequestOwnRemovalAsync(new RequestOwnRemovalRequest { Mode = ErasureMode.Purge });

        Assert.Equal(ErasureStatus.AwaitingApproval, asked.Status);
        Assert.Equal(customer.Id, asked.CustomerId);
        Assert.Equal(ErasureReason.CustomerRequest, asked.Reason);
        Assert.Equal(ErasureRecord.ParticipantServices, asked.Participants.Select(p => p.Service));
        Assert.All(asked.Participants, p => Assert.Equal((ParticipantState.NotStarted, false), (p.State, p.Overdue)));
        Assert.Equal(asked, await own.GetErasureAsync(new GetErasureRequest { ErasureId = asked.Id }));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => stranger.GetErasureAsync(new GetErasureRequest { ErasureId = asked.Id }));
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => own.RequestOwnRemovalAsync(new RequestOwnRemovalRequest()));
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => Erasure.RemoveCustomerAsync(new RemoveCustomerRequest { CustomerId = customer.Id, Reason = ErasureReason.CustomerRequest }));
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => Erasure.RetryErasureAsync(new RetryErasureRequest { ErasureId = asked.Id }));

        await Erasure.RejectErasureAsync(new RejectErasureRequest { ErasureId = asked.Id, Reason = RejectionReason.IdentityNotVerified });
        var rejected = await own.GetErasureAsync(new GetErasureRequest { ErasureId = asked.Id });
        Assert.Equal(ErasureStatus.Rejected, rejected.Status);
        Assert.Equal(RejectionReason.IdentityNotVerified, rejected.RejectionReason);
        Assert.All(rejected.Participants, p => Assert.Equal(ParticipantState.NotStarted, p.State));
        Assert.Equal((asked.RequestedBy, ""), (rejected.RequestedBy, rejected.RejectedBy));
        Assert.NotEmpty((await Erasure.GetErasureAsync(new GetErasureRequest { ErasureId = asked.Id })).RejectedBy);
        Assert.NotNull(await hosts.Client.GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.Id }));
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => Erasure.ApproveErasureAsync(new ApproveErasureRequest { ErasureId = asked.Id }));

        var second = await own.RequestOwnRemovalAsync(new RequestOwnRemovalRequest());
        var approved = await Erasure.ApproveErasureAsync(new ApproveErasureRequest { ErasureId = second.Id });

        Assert.Equal(ErasureStatus.InProgress, approved.Status);
        Assert.NotEmpty(approved.ApprovedBy);
        Assert.Equal(second.ReceivedAt, approved.ReceivedAt);
        Assert.Equal(ParticipantState.Done, approved.Participants.Single(p => p.Service == ServiceNames.Directory).State);
        Assert.All(approved.Participants.Where(p => p.Service != ServiceNames.Directory), p => Assert.Equal(ParticipantState.Pending, p.State));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => hosts.Client.GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.Id }));
        var seenByCustomer = await own.GetErasureAsync(new GetErasureRequest { ErasureId = second.Id });
        Assert.Equal((ErasureStatus.InProgress, ""), (seenByCustomer.Status, seenByCustomer.ApprovedBy));
        Assert.NotEmpty(seenByCustomer.RequestedBy);
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => Erasure.ApproveErasureAsync(new ApproveErasureRequest { ErasureId = second.Id }));
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => Erasure.RejectErasureAsync(new RejectErasureRequest { ErasureId = second.Id, Reason = RejectionReason.LegalHold }));
    }

    /// <summary>
    /// A customer follows their own requests without keeping an id (the console shows them on "Delete my data"): their
    /// list holds theirs alone, each as GetErasure shows it to them, the rejection's reason included.
    /// </summary>
    [Fact]
    public async Task A_customer_lists_their_own_requests_alone_and_reads_a_rejections_reason_there()
    {
        var customer = await hosts.NewCustomerAsync("Listing Myself");
        var own = ClientAs(await hosts.TokenOfNewAsync(Role.Customer, customer.Id));
        var stranger = ClientAs(await hosts.TokenOfNewAsync(Role.Customer, (await hosts.NewCustomerAsync()).Id));
        var rejected = await own.RequestOwnRemovalAsync(new RequestOwnRemovalRequest());
        await Erasure.RejectErasureAsync(new RejectErasureRequest { ErasureId = rejected.Id, Reason = RejectionReason.OpenContract });
        var awaiting = await own.RequestOwnRemovalAsync(new RequestOwnRemovalRequest { Mode = ErasureMode.Purge });

        var mine = await own.ListErasuresAsync(new ListErasuresRequest());
        var firstPage = await own.ListErasuresAsync(new ListErasuresRequest { PageSize = 1 });
        var secondPage = await own.ListErasuresAsync(new ListErasuresRequest { PageSize = 1, PageToken = firstPage.NextPageToken });

        Assert.Equal([awaiting.Id, rejected.Id], mine.Erasures.Select(erasure => erasure.Id));
        Assert.Equal((ErasureStatus.Rejected, RejectionReason.OpenContract, ""), (mine.Erasures[1].Status, mine.Erasures[1].RejectionReason, mine.Erasures[1].RejectedBy));
        Assert.Equal(await own.GetErasureAsync(new GetErasureRequest { ErasureId = rejected.Id }), mine.Erasures[1]);
        Assert.Equal([awaiting.Id, rejected.Id], firstPage.Erasures.Concat(secondPage.Erasures).Select(erasure => erasure.Id));
        Assert.Equal([rejected.Id], (await own.ListErasuresAsync(new ListErasuresRequest { Status = ErasureStatus.Rejected })).Erasures.Select(erasure => erasure.Id));
        Assert.Empty((await stranger.ListErasuresAsync(new ListErasuresRequest())).Erasures);
        Assert.Contains(rejected.Id, (await Erasure.ListErasuresAsync(new ListErasuresRequest { Status = ErasureStatus.Rejected, PageSize = 200 })).Erasures.Select(erasure => erasure.Id));
    }

    /// <summary>A refusal's message reaches the console (a customer's asking twice included): a status in words, never the enum's spelling.</summary>
    [Fact]
    public async Task Refusals_name_the_requests_status_in_words_not_as_the_code_spells_it()
    {
        var customer = await hosts.NewCustomerAsync("Twice Asked");
        var own = ClientAs(await hosts.TokenOfNewAsync(Role.Customer, customer.Id));
        var asked = await own.RequestOwnRemovalAsync(new RequestOwnRemovalRequest());

        var askedAgain = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => own.RequestOwnRemovalAsync(new RequestOwnRemovalRequest()));
        var retried = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => Erasure.RetryErasureAsync(new RetryErasureRequest { ErasureId = asked.Id }));
        await Erasure.RejectErasureAsync(new RejectErasureRequest { ErasureId = asked.Id, Reason = RejectionReason.LegalHold });
        var approvedRejected = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => Erasure.ApproveErasureAsync(new ApproveErasureRequest { ErasureId = asked.Id }));

        Assert.EndsWith($"'{asked.Id}' (awaiting approval).", askedAgain.Status.Detail, StringComparison.Ordinal);
        Assert.Contains($"'{asked.Id}' is awaiting approval;", retried.Status.Detail, StringComparison.Ordinal);
        Assert.EndsWith($"'{asked.Id}' is rejected, not awaiting approval.", approvedRejected.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_customer_awaiting_approval_of_their_removal_keeps_their_profile_and_projects_until_an_admin_decides()
    {
        var (theirs, another) = (await hosts.NewProjectAsync(), await hosts.NewProjectAsync());
        var address = TestData.Address("asked.away");
        var customer = await hosts.NewCustomerAsync("Asked Away", address, theirs);
        var customerToken = await hosts.TokenOfNewAsync(Role.Customer, customer.Id);
        var own = ClientAs(customerToken);
        var directory = new DirectoryService.DirectoryServiceClient(hosts.Host.Channel);
        var agent = Bearer(await hosts.TokenOfNewAsync(Role.Agent, null, theirs));
        var otherAgent = Bearer(await hosts.TokenOfNewAsync(Role.Agent, null, another));
        var asked = await own.RequestOwnRemovalAsync(new RequestOwnRemovalRequest());

        // An agent of another project, by the address: the invitation that would have made the profile theirs to change.
        // That the customer asked to be removed is not theirs to learn: the address is refused as an erased one.
        var invitation = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => directory.CreateCustomerAsync(
            new CreateCustomerRequest { Address = address, DisplayName = "Invited", ProjectKeys = { another } }, otherAgent));
        Assert.Equal((ErasedAddresses.PreconditionType, "erasures"), (Violation(invitation).Type, Violation(invitation).Subject));
        var refusals = new (RpcException Error, string Subject)[]
        {
            (await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => directory.UpdateCustomerAsync(
                new UpdateCustomerRequest { CustomerId = customer.Id, Address = TestData.Address("someone.else") }, agent)), "erasures"),
            (await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => directory.AddToProjectAsync(
                new AddToProjectRequest { CustomerId = customer.Id, ProjectKey = another }, Bearer(hosts.AdminToken))), $"erasures/{asked.Id}"),
            (await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => hosts.Client.UpdateCustomerAsync(
                new UpdateCustomerRequest { CustomerId = customer.Id, DisplayName = "Renamed" })), $"erasures/{asked.Id}"),
            // The customer too: the request is about the profile as it was asked.
            (await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => directory.UpdateCustomerAsync(
                new UpdateCustomerRequest { CustomerId = customer.Id, DisplayName = "Renamed Myself" }, Bearer(customerToken))), "erasures"),
        };

        Assert.All(refusals, refusal => Assert.Equal(("REMOVAL_AWAITING_APPROVAL", refusal.Subject), (Violation(refusal.Error).Type, Violation(refusal.Error).Subject)));
        var unchanged = await hosts.Client.GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.Id });
        Assert.Equal((address, "Asked Away", theirs), (unchanged.Address, unchanged.DisplayName, string.Join(",", unchanged.ProjectKeys)));
        // Leaving a project takes nothing the request is about.
        await directory.RemoveFromProjectAsync(new RemoveFromProjectRequest { CustomerId = customer.Id, ProjectKey = theirs }, Bearer(hosts.AdminToken));

        await Erasure.RejectErasureAsync(new RejectErasureRequest { ErasureId = asked.Id, Reason = RejectionReason.IdentityNotVerified });
        Assert.Equal("Renamed", (await hosts.Client.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = customer.Id, DisplayName = "Renamed" })).DisplayName);
    }

    /// <summary>
    /// An agent who types an address learns whether it is a live customer's (an invitation, or ALREADY_EXISTS for another
    /// profile) or not, as DESIGN asks; an erased address and one whose customer asked to be removed must answer alike, or
    /// the pair of answers tells that a customer of another project is waiting for an admin to remove them.
    /// </summary>
    [Fact]
    public async Task To_an_agent_of_another_project_an_address_whose_customer_awaits_removal_answers_exactly_as_an_erased_one()
    {
        var (alpha, beta) = (await hosts.NewProjectAsync(), await hosts.NewProjectAsync());
        var agent = Bearer(await hosts.TokenOfNewAsync(Role.Agent, null, alpha));
        var directory = new DirectoryService.DirectoryServiceClient(hosts.Host.Channel);
        var ofAlpha = await hosts.NewCustomerAsync("Of Alpha", TestData.Address("of.alpha"), alpha);
        var (live, awaiting, removed) = (TestData.Address("live"), TestData.Address("awaiting"), TestData.Address("removed"));
        await hosts.NewCustomerAsync("Still Here", live, beta);
        var asking = await hosts.NewCustomerAsync("Asked Away", awaiting, beta);
        var request = await ClientAs(await hosts.TokenOfNewAsync(Role.Customer, asking.Id)).RequestOwnRemovalAsync(new RequestOwnRemovalRequest());
        var gone = await hosts.NewCustomerAsync("Removed", removed, beta);
        await Erasure.RemoveCustomerAsync(new RemoveCustomerRequest { CustomerId = gone.Id, Reason = ErasureReason.ContactMoved });
        Task<string> UpdateAsync(string address) =>
            AnswerOfAsync(() => directory.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = ofAlpha.Id, Address = address }, agent));
        Task<string> CreateAsync(string address) =>
            AnswerOfAsync(() => directory.CreateCustomerAsync(new CreateCustomerRequest { Address = address, DisplayName = "Typed In", ProjectKeys = { alpha } }, agent));

        var updates = (Live: await UpdateAsync(live), Awaiting: await UpdateAsync(awaiting), Removed: await UpdateAsync(removed));
        // The live address last: its invitation makes that customer one of the agent's.
        var creates = (Awaiting: await CreateAsync(awaiting), Removed: await CreateAsync(removed), Live: await CreateAsync(live));

        Assert.Equal(updates.Removed, updates.Awaiting);
        Assert.Equal(creates.Removed, creates.Awaiting);
        Assert.All([updates.Awaiting, creates.Awaiting], answer =>
        {
            Assert.StartsWith($"{StatusCode.FailedPrecondition}:", answer, StringComparison.Ordinal);
            Assert.Contains(ErasedAddresses.PreconditionType, answer, StringComparison.Ordinal);
            Assert.DoesNotContain(asking.Id, answer, StringComparison.Ordinal);
            Assert.DoesNotContain(request.Id, answer, StringComparison.Ordinal);
        });
        Assert.StartsWith($"{StatusCode.AlreadyExists}:", updates.Live, StringComparison.Ordinal);
        Assert.Equal("OK", creates.Live);
    }

    [Fact]
    public async Task A_removed_customer_still_signed_in_sees_neither_the_successor_nor_the_admin_of_their_removal()
    {
        var customer = await hosts.NewCustomerAsync("Moved Away");
        var successor = await hosts.NewCustomerAsync("New Profile");
        var own = ClientAs(await hosts.TokenOfNewAsync(Role.Customer, customer.Id));
        var removal = await Erasure.RemoveCustomerAsync(new RemoveCustomerRequest { CustomerId = customer.Id, Reason = ErasureReason.AccountClosed, SuccessorCustomerId = successor.Id });

        // The refusal of their own request names the removal, which they may then read.
        var refused = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => own.RequestOwnRemovalAsync(new RequestOwnRemovalRequest()));
        Assert.Equal($"erasures/{removal.Id}", refused.GetRpcStatus()!.GetDetail<PreconditionFailure>()!.Violations.Single().Subject);
        var seen = await own.GetErasureAsync(new GetErasureRequest { ErasureId = removal.Id });

        Assert.Equal((removal.Id, customer.Id, "", ""), (seen.Id, seen.CustomerId, seen.SuccessorCustomerId, seen.RequestedBy));
        Assert.Equal((successor.Id, removal.RequestedBy), (removal.SuccessorCustomerId, (await Erasure.GetErasureAsync(new GetErasureRequest { ErasureId = removal.Id })).RequestedBy));
        Assert.NotEmpty(removal.RequestedBy);
    }

    /// <summary>
    /// A removed customer may read their removal with the access token they still hold. Each service's counts are the
    /// admins': Ticketing's texts redacted count the internal comments that named the customer, which they never saw.
    /// </summary>
    [Fact]
    public async Task A_customer_reading_their_own_removal_sees_each_services_progress_without_its_counts_which_the_admin_sees()
    {
        var customer = await hosts.NewCustomerAsync("Counted Away");
        var own = ClientAs(await hosts.TokenOfNewAsync(Role.Customer, customer.Id));
        var removal = await Erasure.RemoveCustomerAsync(new RemoveCustomerRequest { CustomerId = customer.Id, Reason = ErasureReason.ContactMoved });
        await SignedEvents.PublishAsync(hosts.Host, new ServiceDesk.Contracts.Events.V1.ErasureReceipt
        {
            RequestId = removal.Id,
            Service = ServiceNames.Ticketing,
            Outcome = ServiceDesk.Contracts.Events.V1.ReceiptOutcome.Succeeded,
            Counts = { ["texts_redacted"] = 4 },
        }, ServiceNames.Ticketing);
        static IEnumerable<(string, ParticipantState, Google.Protobuf.WellKnownTypes.Timestamp)> Progress(ErasureRequest erasure) =>
            erasure.Participants.Select(participant => (participant.Service, participant.State, participant.UpdatedAt));
        // Read between two of the admin's reads that agree: the removal's own steps may still move a participant on.
        var (seenByAdmin, seenByCustomer) = await Eventually.WaitForAsync(
            async () =>
            {
                var before = await Erasure.GetErasureAsync(new GetErasureRequest { ErasureId = removal.Id });
                var customers = await own.GetErasureAsync(new GetErasureRequest { ErasureId = removal.Id });
                var after = await Erasure.GetErasureAsync(new GetErasureRequest { ErasureId = removal.Id });
                return (Admin: Progress(before).SequenceEqual(Progress(after)) ? after : null, Customer: customers);
            },
            reads => reads.Admin?.Participants.Single(participant => participant.Service == ServiceNames.Ticketing).State == ParticipantState.Done
                && reads.Admin.Participants.Single(participant => participant.Service == ServiceNames.Directory).State == ParticipantState.Done,
            "Ticketing's receipt and Directory's own part folded");

        Assert.Equal(4, seenByAdmin!.Participants.Single(participant => participant.Service == ServiceNames.Ticketing).Counts["texts_redacted"]);
        Assert.Equal(1, seenByAdmin.Participants.Single(participant => participant.Service == ServiceNames.Directory).Counts["profiles_deleted"]);
        Assert.Equal(Progress(seenByAdmin), Progress(seenByCustomer));
        Assert.All(seenByCustomer.Participants, participant => Assert.Empty(participant.Counts));
    }

    [Fact]
    public async Task Requests_list_newest_first_by_status_with_page_tokens_bound_to_their_caller()
    {
        var removed = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var customer = await hosts.NewCustomerAsync();
            removed.Add((await Erasure.RemoveCustomerAsync(new RemoveCustomerRequest { CustomerId = customer.Id, Reason = ErasureReason.AccountClosed })).Id);
        }

        var seen = new List<string>();
        var request = new ListErasuresRequest { Status = ErasureStatus.InProgress, PageSize = 2 };
        string? firstToken = null;
        do
        {
            var page = await Erasure.ListErasuresAsync(request);
            Assert.All(page.Erasures, erasure => Assert.Equal(ErasureStatus.InProgress, erasure.Status));
            Assert.All(page.Erasures, erasure => Assert.False(erasure.Overdue));
            seen.AddRange(page.Erasures.Select(erasure => erasure.Id));
            firstToken ??= page.NextPageToken;
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        Assert.Equal(seen.OrderDescending(StringComparer.Ordinal), seen);
        Assert.Equal(Enumerable.Reverse(removed), seen.Where(removed.Contains));
        Assert.DoesNotContain(removed, (await Erasure.ListErasuresAsync(new ListErasuresRequest { Overdue = true })).Erasures.Select(erasure => erasure.Id).Contains);
        var otherAdmin = ClientAs(await hosts.TokenOfNewAsync(Role.Admin));
        Assert.Equal(
            ["page_token"],
            (await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => otherAdmin.ListErasuresAsync(new ListErasuresRequest { Status = ErasureStatus.InProgress, PageSize = 2, PageToken = firstToken }))).Fields());
    }

    [Fact]
    public async Task Evidence_verifies_under_Directorys_key_and_not_once_altered_or_against_another_key()
    {
        var customer = await hosts.NewCustomerAsync("Evidence Subject");
        var removal = await Erasure.RemoveCustomerAsync(new RemoveCustomerRequest { CustomerId = customer.Id, Reason = ErasureReason.LegalObligation });

        var evidence = await Erasure.ExportErasureEvidenceAsync(new ExportErasureEvidenceRequest { ErasureId = removal.Id });
        var pinnedKey = evidence.PublicKeyPem;

        Assert.Equal("ES256", evidence.Algorithm);
        Assert.Null(EvidenceVerification.Verify(evidence, pinnedKey));
        Assert.Equal(pinnedKey, (await Erasure.ExportErasureEvidenceAsync(new ExportErasureEvidenceRequest { ErasureId = removal.Id })).PublicKeyPem);
        var json = evidence.Document.ToStringUtf8();
        Assert.Contains($"\"erasure_id\":\"{removal.Id}\"", json);
        Assert.DoesNotContain("Evidence Subject", json);
        Assert.DoesNotContain(customer.Address, json);

        var tampered = evidence.Clone();
        tampered.Document = ByteString.CopyFromUtf8(json.Replace("\"LegalObligation\"", "\"CustomerRequest\"", StringComparison.Ordinal));
        Assert.NotNull(EvidenceVerification.Verify(tampered, pinnedKey));
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.NotNull(EvidenceVerification.Verify(evidence, otherKey.ExportSubjectPublicKeyInfoPem()));
        var resigned = evidence.Clone();
        resigned.Signature = ByteString.CopyFrom(otherKey.SignData(evidence.Document.ToByteArray(), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.NotNull(EvidenceVerification.Verify(resigned, pinnedKey));

        // The operator's command, on files.
        var directory = TestDirectory.Create("evidence");
        var (evidenceFile, keyFile) = (Path.Combine(directory, "evidence.json"), Path.Combine(directory, "directory-evidence.pem"));
        await File.WriteAllTextAsync(keyFile, pinnedKey);
        await File.WriteAllTextAsync(evidenceFile, JsonFormatter.Default.Format(evidence));
        Assert.Equal(0, await EvidenceVerification.RunAsync(evidenceFile, keyFile, TextWriter.Null, CancellationToken.None));
        await File.WriteAllTextAsync(evidenceFile, JsonFormatter.Default.Format(tampered));
        Assert.Equal(1, await EvidenceVerification.RunAsync(evidenceFile, keyFile, TextWriter.Null, CancellationToken.None));
    }

    private ErasureService.ErasureServiceClient ClientAs(string token) =>
        new(hosts.Host.Channel.Intercept(metadata =>
        {
            metadata.Add("authorization", $"Bearer {token}");
            return metadata;
        }));

    /// <summary>"OK", or all a refusal tells its caller: its code, its message and each of its details in full.</summary>
    private static async Task<string> AnswerOfAsync<T>(Func<AsyncUnaryCall<T>> call)
    {
        try
        {
            await call();
            return "OK";
        }
        catch (RpcException error)
        {
            return $"{error.StatusCode}: {error.Status.Detail} {string.Join(" ", error.GetRpcStatus()?.Details.Select(detail => DetailsFormatter.Format(detail)) ?? [])}";
        }
    }

    private static readonly JsonFormatter DetailsFormatter = new(JsonFormatter.Settings.Default.WithTypeRegistry(Google.Protobuf.Reflection.TypeRegistry.FromMessages(
        PreconditionFailure.Descriptor, BadRequest.Descriptor, ResourceInfo.Descriptor, ErrorInfo.Descriptor)));

    private static PreconditionFailure.Types.Violation Violation(RpcException error) =>
        Assert.Single(error.GetRpcStatus()!.GetDetail<PreconditionFailure>()!.Violations);

    /// <summary>No participant runs here: each one's receipt appended as that service signs it, until the request is completed.</summary>
    private async Task CompletedAsync(string erasureId)
    {
        foreach (var service in new[] { ServiceNames.Identity, ServiceNames.Ticketing, ServiceNames.Notification })
        {
            await SignedEvents.PublishAsync(hosts.Host, new ServiceDesk.Contracts.Events.V1.ErasureReceipt { RequestId = erasureId, Service = service, Outcome = ServiceDesk.Contracts.Events.V1.ReceiptOutcome.Succeeded }, service);
        }

        await Eventually.WaitForAsync(
            () => Erasure.GetErasureAsync(new GetErasureRequest { ErasureId = erasureId }).ResponseAsync,
            erasure => erasure.Status == ErasureStatus.Completed,
            "the three receipts folded");
    }
}
