using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Directory.Erasure;
using ServiceDesk.Ops;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Gateway.Tests.Api;

/// <summary>Customer removal through the gateway, against Directory's ErasureService and the three other participants.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ErasureApiTests(GatewayHosts hosts)
{
    [Fact]
    public async Task An_admin_previews_removes_follows_and_downloads_the_evidence_of_a_removal()
    {
        var project = await hosts.NewProjectAsync();
        var olga = await hosts.NewCustomerAsync("Olga", GatewayHosts.NewAddress("olga"), project);
        using var admin = await hosts.AdminClientAsync();

        var preview = await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/v1/customers/{olga.Id}/removal-preview", new { mode = "anonymize" });
        var previewWithoutBody = await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/v1/customers/{olga.Id}/removal-preview");
        var accepted = await admin.ExpectAsync(HttpStatusCode.Accepted, HttpMethod.Post, "/api/v1/erasures",
            new { customerId = olga.Id, mode = "anonymize", reason = "contact_moved" });
        var path = $"/api/v1/erasures/{accepted.GetProperty("id").GetString()}";
        var completed = await Eventually.WaitForAsync(
            () => admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, path),
            erasure => erasure.GetProperty("status").GetString() == "completed",
            "the removal to complete in every service",
            TimeSpan.FromSeconds(60));
        var listed = await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/erasures?status=completed&pageSize=100");
        using var evidence = await admin.SendAsync(HttpMethod.Get, $"{path}/evidence");

        Assert.Equal(["directory", "identity", "notification", "ticketing"], preview.GetProperty("impacts").EnumerateArray().Select(impact => impact.GetProperty("service").GetString()).Order());
        Assert.Equal(preview.ToString(), previewWithoutBody.ToString());
        Assert.All(completed.GetProperty("participants").EnumerateArray(), participant => Assert.Equal("done", participant.GetProperty("state").GetString()));
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), item => item.GetProperty("id").GetString() == accepted.GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.OK, evidence.StatusCode);
        Assert.Equal("attachment", evidence.Content.Headers.ContentDisposition?.DispositionType ?? evidence.Headers.GetValues("Content-Disposition").Single().Split(';')[0]);
        Assert.NotEmpty(JsonDocument.Parse(await evidence.Content.ReadAsStringAsync()).RootElement.GetProperty("signature").GetString()!);
    }

    [Fact]
    public async Task The_evidence_download_names_its_key_and_verifies_with_the_operators_command_as_saved_and_as_the_console_saves_it()
    {
        var project = await hosts.NewProjectAsync();
        var vera = await hosts.NewCustomerAsync("Vera", GatewayHosts.NewAddress("vera"), project);
        using var admin = await hosts.AdminClientAsync();
        var accepted = await admin.ExpectAsync(HttpStatusCode.Accepted, HttpMethod.Post, "/api/v1/erasures",
            new { customerId = vera.Id, mode = "anonymize", reason = "legal_obligation" });
        using var evidence = await admin.SendAsync(HttpMethod.Get, $"/api/v1/erasures/{accepted.GetProperty("id").GetString()}/evidence");
        var download = await evidence.Content.ReadAsStringAsync();
        var publicKeyPem = JsonDocument.Parse(download).RootElement.GetProperty("publicKeyPem").GetString()!;

        var directory = TestDirectory.Create("gateway-evidence");
        var (evidenceFile, keyFile) = (Path.Combine(directory, "evidence.json"), Path.Combine(directory, "directory-evidence.pem"));
        await File.WriteAllTextAsync(keyFile, publicKeyPem);
        await File.WriteAllTextAsync(evidenceFile, download);
        var asDownloaded = await EvidenceVerification.RunAsync(evidenceFile, keyFile, TextWriter.Null, CancellationToken.None);
        // The console saves the answer indented (JSON.stringify(evidence, null, 2)).
        var indented = JsonSerializer.Serialize(JsonDocument.Parse(download).RootElement, new JsonSerializerOptions { WriteIndented = true });
        await File.WriteAllTextAsync(evidenceFile, indented);
        var asTheConsoleSavesIt = await EvidenceVerification.RunAsync(evidenceFile, keyFile, TextWriter.Null, CancellationToken.None);
        await File.WriteAllTextAsync(evidenceFile, indented.Replace("\"LegalObligation\"", "\"CustomerRequest\"", StringComparison.Ordinal));
        var altered = await EvidenceVerification.RunAsync(evidenceFile, keyFile, TextWriter.Null, CancellationToken.None);

        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", publicKeyPem, StringComparison.Ordinal);
        Assert.Equal((0, 0, 1), (asDownloaded, asTheConsoleSavesIt, altered));
    }

    [Fact]
    public async Task An_admin_rejects_a_customers_own_request_with_a_reason_the_customer_then_sees()
    {
        var project = await hosts.NewProjectAsync();
        var rob = await hosts.NewCustomerAsync("Rob", GatewayHosts.NewAddress("rob"), project);
        using var customer = await hosts.SignedInAsync(Role.Customer, rob.Id);
        using var admin = await hosts.AdminClientAsync();
        // No body: the mode is optional, anonymize when left out.
        var requested = await customer.ExpectAsync(HttpStatusCode.Accepted, HttpMethod.Post, "/api/v1/me/removal-request");
        var path = $"/api/v1/erasures/{requested.GetProperty("id").GetString()}";

        var rejected = await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"{path}/rejection", new { reason = "legal_hold" });
        var seenByCustomer = await customer.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, path);
        var again = await admin.ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"{path}/rejection", new { reason = "legal_hold" });
        var approveRejected = await admin.ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"{path}/approval");

        Assert.Equal(("awaiting_approval", "anonymize"), (requested.GetProperty("status").GetString(), requested.GetProperty("mode").GetString()));
        Assert.Equal("rejected", rejected.GetProperty("status").GetString());
        Assert.Equal("legal_hold", rejected.GetProperty("rejectionReason").GetString());
        Assert.Equal("legal_hold", seenByCustomer.GetProperty("rejectionReason").GetString());
        Assert.All([again, approveRejected], problem => Assert.Equal("FAILED_PRECONDITION", problem.GetProperty("code").GetString()));
    }

    /// <summary>The console's "Delete my data" shows a customer their requests: the list holds theirs alone, without the admin's id.</summary>
    [Fact]
    public async Task A_customer_lists_their_own_removal_requests_with_a_rejections_reason_and_nobody_elses()
    {
        var project = await hosts.NewProjectAsync();
        var rob = await hosts.NewCustomerAsync("Rob", GatewayHosts.NewAddress("rob"), project);
        var ann = await hosts.NewCustomerAsync("Ann", GatewayHosts.NewAddress("ann"), project);
        using var customer = await hosts.SignedInAsync(Role.Customer, rob.Id);
        using var other = await hosts.SignedInAsync(Role.Customer, ann.Id);
        using var admin = await hosts.AdminClientAsync();
        var requested = await customer.ExpectAsync(HttpStatusCode.Accepted, HttpMethod.Post, "/api/v1/me/removal-request");
        var id = requested.GetProperty("id").GetString();
        await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/v1/erasures/{id}/rejection", new { reason = "legal_hold" });

        var mine = (await customer.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/erasures")).GetProperty("items").EnumerateArray().ToList();
        var others = (await other.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/erasures")).GetProperty("items").EnumerateArray().ToList();

        Assert.Equal([id], mine.Select(request => request.GetProperty("id").GetString()));
        Assert.Equal(("rejected", "legal_hold"), (mine[0].GetProperty("status").GetString(), mine[0].GetProperty("rejectionReason").GetString()));
        Assert.Equal(JsonValueKind.Null, mine[0].GetProperty("rejectedBy").ValueKind);
        Assert.Empty(others);
    }

    [Fact]
    public async Task An_admin_reinstates_a_removed_customer_s_address_with_a_reason_and_it_may_belong_to_a_customer_again()
    {
        var project = await hosts.NewProjectAsync();
        var address = GatewayHosts.NewAddress("rita");
        var rita = await hosts.NewCustomerAsync("Rita", address, project);
        using var agent = await hosts.SignedInAsync(Role.Agent, null, project);
        using var admin = await hosts.AdminClientAsync();
        var accepted = await admin.ExpectAsync(HttpStatusCode.Accepted, HttpMethod.Post, "/api/v1/erasures",
            new { customerId = rita.Id, mode = "anonymize", reason = "contact_moved" });
        var path = $"/api/v1/erasures/{accepted.GetProperty("id").GetString()}";
        var refused = await admin.ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/v1/customers", new { address, displayName = "Rita Again" });
        // Only a completed removal is reinstated.
        await Eventually.WaitForAsync(
            () => admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, path),
            erasure => erasure.GetProperty("status").GetString() == "completed",
            "the removal to complete in every service",
            TimeSpan.FromSeconds(60));

        var unknownReason = await admin.ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"{path}/reinstatement", new { reason = "because" });
        var byAgent = await agent.ProblemAsync(HttpStatusCode.Forbidden, HttpMethod.Post, $"{path}/reinstatement", new { reason = "customer_returned" });
        var reinstated = await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"{path}/reinstatement", new { reason = "customer_returned" });
        var again = await admin.ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"{path}/reinstatement", new { reason = "removed_in_error" });
        var created = await admin.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/v1/customers", new { address, displayName = "Rita Again" });

        Assert.Equal("FAILED_PRECONDITION", refused.GetProperty("code").GetString());
        Assert.True(unknownReason.GetProperty("errors").TryGetProperty("reason", out _), unknownReason.ToString());
        Assert.Equal("PERMISSION_DENIED", byAgent.GetProperty("code").GetString());
        Assert.Equal("customer_returned", reinstated.GetProperty("reinstatement").GetProperty("reason").GetString());
        Assert.False(string.IsNullOrEmpty(reinstated.GetProperty("reinstatement").GetProperty("reinstatedBy").GetString()));
        Assert.Equal("FAILED_PRECONDITION", again.GetProperty("code").GetString());
        Assert.NotEqual(rita.Id, created.GetProperty("id").GetString());
    }

    /// <summary>
    /// A removed customer's access token stays valid for its lifetime, and with it they may read their removal: each
    /// service's state, but not its counts (Ticketing's texts redacted count internal comments they never saw).
    /// </summary>
    [Fact]
    public async Task A_removed_customer_reading_their_own_removal_gets_each_services_state_without_counts_which_the_admin_gets()
    {
        var project = await hosts.NewProjectAsync();
        var tess = await hosts.NewCustomerAsync("Tess", GatewayHosts.NewAddress("tess"), project);
        using var customer = hosts.NewClient();
        var tokens = await customer.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "/api/v1/tokens", new { login = await hosts.NewAccountAsync(Role.Customer, tess.Id), password = IdentityTestHost.Password });
        customer.BearerToken = tokens.GetProperty("accessToken").GetString();
        using var admin = await hosts.AdminClientAsync();
        var requested = await customer.ExpectAsync(HttpStatusCode.Accepted, HttpMethod.Post, "/api/v1/me/removal-request");
        var path = $"/api/v1/erasures/{requested.GetProperty("id").GetString()}";
        await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"{path}/approval");
        var seenByAdmin = await Eventually.WaitForAsync(
            () => admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, path),
            erasure => erasure.GetProperty("status").GetString() == "completed",
            "the removal to complete in every service",
            TimeSpan.FromSeconds(60));

        var seenByCustomer = await customer.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, path);

        static List<JsonElement> Participants(JsonElement erasure) => [.. erasure.GetProperty("participants").EnumerateArray()];
        static string StateOf(JsonElement participant) => $"{participant.GetProperty("service").GetString()}: {participant.GetProperty("state").GetString()}";
        Assert.Equal(Participants(seenByAdmin).Select(StateOf), Participants(seenByCustomer).Select(StateOf));
        Assert.Contains(Participants(seenByAdmin), participant => participant.GetProperty("counts").EnumerateObject().Any());
        Assert.All(Participants(seenByCustomer), participant => Assert.Empty(participant.GetProperty("counts").EnumerateObject()));
    }

    /// <summary>
    /// Overdue is Directory's word (past the due date and still open), shown as it says and filtered on by it: a request
    /// rejected after its due date is not overdue. Requests received 40 days ago are written to Directory's own store.
    /// </summary>
    [Fact]
    public async Task A_request_is_overdue_as_Directory_says_and_the_list_filters_on_it()
    {
        var project = await hosts.NewProjectAsync();
        using var admin = await hosts.AdminClientAsync();
        var store = hosts.Directory.Services.GetRequiredService<IErasureStore>();
        var receivedAt = DateTimeOffset.UtcNow.AddDays(-40);
        async Task<string> OwnRequestReceivedAt40DaysAgoAsync(string name)
        {
            var customer = await hosts.NewCustomerAsync(name, GatewayHosts.NewAddress(name), project);
            var request = new ErasureRecord(
                Guid.CreateVersion7(receivedAt).ToString("N"), customer.Id, null, ErasureMode.Anonymize, ErasureReason.CustomerRequest, null, $"account-of-{name}", null,
                ErasureStatus.AwaitingApproval, receivedAt, receivedAt + ErasureRecord.TimeToComply, null,
                [.. ErasureRecord.ParticipantServices.Select(service => ParticipantRecord.Pending(service, receivedAt))], receivedAt, Version: 1);
            Assert.True(await store.InsertAwaitingAsync(request, CancellationToken.None));
            return request.Id;
        }

        var waiting = await OwnRequestReceivedAt40DaysAgoAsync("waiting");
        var rejected = await OwnRequestReceivedAt40DaysAgoAsync("rejected");
        await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/v1/erasures/{rejected}/rejection", new { reason = "legal_hold" });
        var fresh = await hosts.NewCustomerAsync("Fresh", GatewayHosts.NewAddress("fresh"), project);
        var removal = await admin.ExpectAsync(HttpStatusCode.Accepted, HttpMethod.Post, "/api/v1/erasures", new { customerId = fresh.Id, mode = "anonymize", reason = "contact_moved" });

        var waitingSeen = await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/v1/erasures/{waiting}");
        var rejectedSeen = await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/v1/erasures/{rejected}");
        var overdue = (await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/erasures?overdue=true&pageSize=200")).GetProperty("items").EnumerateArray().ToList();
        var notAFlag = await admin.ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Get, "/api/v1/erasures?overdue=maybe");

        Assert.True(waitingSeen.GetProperty("overdue").GetBoolean());
        Assert.Equal(("rejected", false), (rejectedSeen.GetProperty("status").GetString(), rejectedSeen.GetProperty("overdue").GetBoolean()));
        var overdueIds = overdue.Select(item => item.GetProperty("id").GetString()).ToList();
        Assert.Contains(waiting, overdueIds);
        Assert.DoesNotContain(rejected, overdueIds);
        Assert.DoesNotContain(removal.GetProperty("id").GetString(), overdueIds);
        Assert.All(overdue, item => Assert.True(item.GetProperty("overdue").GetBoolean()));
        Assert.True(notAFlag.GetProperty("errors").TryGetProperty("overdue", out _), notAFlag.ToString());
    }

    /// <summary>
    /// Which service has not answered is the operator's to see: a participant still pending past Directory's participant
    /// timeout is overdue on its status, as Directory says, and one done is not; the list finds the requests with such a
    /// participant, not a removal just sent. The request, in progress for 40 days, is written to Directory's own store, so
    /// no command goes out and no receipt changes it.
    /// </summary>
    [Fact]
    public async Task A_service_still_pending_past_the_participant_timeout_is_shown_overdue_and_the_list_filters_on_it()
    {
        var project = await hosts.NewProjectAsync();
        using var admin = await hosts.AdminClientAsync();
        var store = hosts.Directory.Services.GetRequiredService<IErasureStore>();
        var receivedAt = DateTimeOffset.UtcNow.AddDays(-40);
        var customer = await hosts.NewCustomerAsync("Silent", GatewayHosts.NewAddress("silent"), project);
        var awaiting = new ErasureRecord(
            Guid.CreateVersion7(receivedAt).ToString("N"), customer.Id, null, ErasureMode.Anonymize, ErasureReason.CustomerRequest, null, "account-of-silent", null,
            ErasureStatus.AwaitingApproval, receivedAt, receivedAt + ErasureRecord.TimeToComply, null,
            [.. ErasureRecord.ParticipantServices.Select(service => ParticipantRecord.Pending(service, receivedAt))], receivedAt, Version: 1);
        Assert.True(await store.InsertAwaitingAsync(awaiting, CancellationToken.None));
        var inProgress = (awaiting with
        {
            Status = ErasureStatus.InProgress,
            Participants = [.. awaiting.Participants.Select(participant => participant.Service == "notification" ? participant : participant with { State = ParticipantState.Done })],
        }).Touched(receivedAt);
        Assert.True(await store.ReplaceAsync(inProgress, awaiting.Version, [], liftTombstone: false, CancellationToken.None));

        var fresh = await hosts.NewCustomerAsync("Fresh", GatewayHosts.NewAddress("fresh"), project);
        var removal = await admin.ExpectAsync(HttpStatusCode.Accepted, HttpMethod.Post, "/api/v1/erasures", new { customerId = fresh.Id, mode = "anonymize", reason = "contact_moved" });

        var seen = await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/v1/erasures/{awaiting.Id}");
        var listed = (await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/erasures?status=in_progress&pageSize=200")).GetProperty("items").EnumerateArray()
            .Single(item => item.GetProperty("id").GetString() == awaiting.Id);
        var stalled = (await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/erasures?participantOverdue=true&pageSize=200")).GetProperty("items").EnumerateArray().ToList();

        Assert.DoesNotContain(removal.GetProperty("id").GetString(), stalled.Select(item => item.GetProperty("id").GetString()));
        var stalledOne = Assert.Single(stalled, item => item.GetProperty("id").GetString() == awaiting.Id);
        Assert.All(stalled, item => Assert.Contains(item.GetProperty("participants").EnumerateArray(), participant => participant.GetProperty("overdue").GetBoolean()));
        foreach (var request in new[] { seen, listed, stalledOne })
        {
            var overdue = request.GetProperty("participants").EnumerateArray()
                .ToDictionary(participant => participant.GetProperty("service").GetString()!, participant => (participant.GetProperty("state").GetString(), participant.GetProperty("overdue").GetBoolean()));
            Assert.Equal(("pending", true), overdue["notification"]);
            Assert.All(overdue.Where(participant => participant.Key != "notification"), participant => Assert.Equal(("done", false), participant.Value));
        }
    }

    [Fact]
    public async Task A_rejection_needs_a_known_reason_an_admin_and_an_existing_request()
    {
        var project = await hosts.NewProjectAsync();
        var rob = await hosts.NewCustomerAsync("Rob", GatewayHosts.NewAddress("rob"), project);
        using var customer = await hosts.SignedInAsync(Role.Customer, rob.Id);
        using var agent = await hosts.SignedInAsync(Role.Agent, null, project);
        using var admin = await hosts.AdminClientAsync();
        var requested = await customer.ExpectAsync(HttpStatusCode.Accepted, HttpMethod.Post, "/api/v1/me/removal-request", new { mode = "anonymize" });
        var path = $"/api/v1/erasures/{requested.GetProperty("id").GetString()}/rejection";

        var unknownReason = await admin.ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, path, new { reason = "because" });
        var noReason = await admin.ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, path, new { });
        var byAgent = await agent.ProblemAsync(HttpStatusCode.Forbidden, HttpMethod.Post, path, new { reason = "legal_hold" });
        var byCustomer = await customer.ProblemAsync(HttpStatusCode.Forbidden, HttpMethod.Post, path, new { reason = "legal_hold" });
        await admin.ProblemAsync(HttpStatusCode.NotFound, HttpMethod.Post, "/api/v1/erasures/no-such-request/rejection", new { reason = "legal_hold" });
        var still = await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/v1/erasures/{requested.GetProperty("id").GetString()}");

        Assert.True(unknownReason.GetProperty("errors").TryGetProperty("reason", out _), unknownReason.ToString());
        Assert.True(noReason.GetProperty("errors").TryGetProperty("reason", out _), noReason.ToString());
        Assert.All([byAgent, byCustomer], problem => Assert.Equal("PERMISSION_DENIED", problem.GetProperty("code").GetString()));
        Assert.Equal("awaiting_approval", still.GetProperty("status").GetString());
    }
}
