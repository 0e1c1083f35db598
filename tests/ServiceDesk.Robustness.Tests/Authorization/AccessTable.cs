using Google.Protobuf.Reflection;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Erasure.V1;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Notification.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting;
using static ServiceDesk.Robustness.Tests.Authorization.AccessRow;
using static ServiceDesk.Robustness.Tests.Authorization.Who;
using ErasureMode = ServiceDesk.Contracts.Directory.V1.ErasureMode;
using TicketStatus = ServiceDesk.Contracts.Ticketing.V1.TicketStatus;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Robustness.Tests.Authorization;

/// <summary>
/// THE table of who may succeed at what: every RPC of every service and every gateway endpoint, each with the
/// callers that may succeed (every other caller must be refused: UNAUTHENTICATED, PERMISSION_DENIED or NOT_FOUND,
/// HTTP 401, 403 or 404) and, for lists filtered to the caller's scope, the callers who may get an answer that
/// holds nothing of the customer's. A request targets the customer's records (project HELP); "the other customer"
/// and "the agent of another project" are outside that scope. Mirrors the README's "Who may call" tables and
/// <see cref="ServiceAccessPolicy.Grants"/>. An RPC or endpoint without a row fails <c>AuthorizationMatrixTests</c>.
/// </summary>
public static class AccessTable
{
    private static readonly Who[] Everyone = Enum.GetValues<Who>();
    private static readonly Who[] SignedIn = [.. Everyone.Except([Anonymous])];
    private static readonly Who[] Accounts = [TheCustomer, AnotherCustomer, AgentOfAnotherProject, Agent, Admin];
    private static readonly Who[] OutsideScope = [AnotherCustomer, AgentOfAnotherProject];
    private static readonly Who[] AdminOnly = [Admin];
    private static readonly Who[] Staff = [Agent, Admin];
    private static readonly Who[] Agents = [AgentOfAnotherProject, Agent, Admin];
    private static readonly Who[] TheCustomerAndStaff = [TheCustomer, Agent, Admin];

    public static IReadOnlyList<AccessRow> Rows { get; } =
    [
        .. IdentityRows(),
        .. DirectoryRows(),
        .. ErasureRows(),
        .. TicketingRows(),
        .. NotificationRows(),
        .. SharedRows(),
        .. GatewayRows(),
    ];

    public static string RpcPath(ServiceDescriptor service, string method) =>
        service.FindMethodByName(method) is { } found ? $"/{service.FullName}/{found.Name}" : throw new InvalidOperationException($"{service.FullName} has no RPC {method}");

    private static IEnumerable<AccessRow> IdentityRows()
    {
        const string identity = ServiceNames.Identity;
        string Path(string method) => RpcPath(IdentityService.Descriptor, method);

        yield return Rpc(identity, Path("CreateAccount"), AdminOnly, (s, _, h) =>
            s.Identity.CreateAccountAsync(new CreateAccountRequest { Login = NewLogin(), Password = Password, Role = Role.Agent, ProjectKeys = { s.Help } }, h).ResponseAsync);
        yield return Rpc(identity, Path("SignIn"), Everyone, (s, _, h) =>
            s.Identity.SignInAsync(new SignInRequest { Login = s.LoginOf(Agent), Password = Password }, h).ResponseAsync);
        yield return Rpc(identity, Path("Refresh"), Everyone, async (s, _, h) =>
            await s.Identity.RefreshAsync(new RefreshRequest { RefreshToken = await s.NewRefreshTokenAsync() }, h));
        yield return Rpc(identity, Path("SignOut"), Everyone, async (s, _, h) =>
            await s.Identity.SignOutAsync(new SignOutRequest { RefreshToken = await s.NewRefreshTokenAsync() }, h));
        yield return Rpc(identity, Path("RevokeSessions"), [TheCustomer, Admin], (s, _, h) =>
            s.Identity.RevokeSessionsAsync(new RevokeSessionsRequest { AccountId = s.AccountOfCustomerA }, h).ResponseAsync);
        yield return Rpc(identity, Path("WhoAmI"), SignedIn, (s, _, h) => s.Identity.WhoAmIAsync(new WhoAmIRequest(), h).ResponseAsync);
        yield return Rpc(identity, Path("GetJwks"), Everyone, (s, _, h) => s.Identity.GetJwksAsync(new GetJwksRequest(), h).ResponseAsync);
        yield return Rpc(identity, Path("DisableAccount"), AdminOnly, async (s, _, h) =>
            await s.Identity.DisableAccountAsync(new DisableAccountRequest { AccountId = (await s.NewAccountAsync(Role.Agent, null, s.Help)).AccountId }, h));
        yield return Rpc(identity, Path("EnableAccount"), AdminOnly, async (s, _, h) =>
            await s.Identity.EnableAccountAsync(new EnableAccountRequest { AccountId = (await s.NewAccountAsync(Role.Agent, null, s.Help)).AccountId }, h));
        yield return Rpc(identity, Path("DeleteAccount"), AdminOnly, async (s, _, h) =>
            await s.Identity.DeleteAccountAsync(new DeleteAccountRequest { AccountId = (await s.NewAccountAsync(Role.Agent, null, s.Help)).AccountId }, h));
        yield return Rpc(identity, Path("ChangePassword"), Accounts, (s, _, h) =>
            s.Identity.ChangePasswordAsync(new ChangePasswordRequest { CurrentPassword = Password, NewPassword = $"{Password} changed" }, h).ResponseAsync);
        yield return Rpc(identity, Path("ResetPassword"), AdminOnly, async (s, _, h) =>
            await s.Identity.ResetPasswordAsync(new ResetPasswordRequest { AccountId = (await s.NewAccountAsync(Role.Agent, null, s.Help)).AccountId, NewPassword = $"{Password} reset" }, h));
        // Anyone holding a service's secret gets its token: the secret is the authorisation.
        yield return Rpc(identity, Path("IssueServiceToken"), Everyone, (s, _, h) =>
            s.Identity.IssueServiceTokenAsync(new IssueServiceTokenRequest { ServiceName = ServiceNames.Ticketing, Secret = ServiceSecret(ServiceNames.Ticketing) }, h).ResponseAsync);
    }

    private static IEnumerable<AccessRow> DirectoryRows()
    {
        const string directory = ServiceNames.Directory;
        string Path(string method) => RpcPath(DirectoryService.Descriptor, method);

        yield return Rpc(directory, Path("CreateCustomer"), [Agent, Admin, TicketingServiceToken], (s, _, h) =>
            s.Directory.CreateCustomerAsync(new CreateCustomerRequest { Address = AccessScene.NewAddress(), DisplayName = "New", ProjectKeys = { s.Help } }, h).ResponseAsync);
        yield return Rpc(directory, Path("GetCustomer"), [TheCustomer, Agent, Admin, TicketingServiceToken], (s, _, h) =>
            s.Directory.GetCustomerAsync(new GetCustomerRequest { CustomerId = s.CustomerA.Id }, h).ResponseAsync);
        yield return Rpc(directory, Path("UpdateCustomer"), TheCustomerAndStaff, (s, _, h) =>
            s.Directory.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = s.CustomerA.Id, DisplayName = $"Renamed {Guid.NewGuid():N}" }, h).ResponseAsync);
        yield return Rpc(directory, Path("ListCustomers"), Staff, (s, _, h) =>
            s.Directory.ListCustomersAsync(new ListCustomersRequest { ProjectKey = s.Help }, h).ResponseAsync);
        yield return Rpc(directory, Path("AddToProject"), [Agent, Admin, TicketingServiceToken], (s, _, h) =>
            s.Directory.AddToProjectAsync(new AddToProjectRequest { CustomerId = s.CustomerA.Id, ProjectKey = s.Help }, h).ResponseAsync);
        yield return Rpc(directory, Path("RemoveFromProject"), Staff, async (s, _, h) =>
            await s.Directory.RemoveFromProjectAsync(new RemoveFromProjectRequest { CustomerId = (await s.NewCustomerAsync(s.Help)).Id, ProjectKey = s.Help }, h));
        // Organizations belong to no project: any agent may create one; only an admin renames one, its name being every
        // project's (README "Who may call Directory").
        yield return Rpc(directory, Path("CreateOrganization"), Agents, (s, _, h) =>
            s.Directory.CreateOrganizationAsync(new CreateOrganizationRequest { Name = $"Organization {Guid.NewGuid():N}" }, h).ResponseAsync);
        yield return Rpc(directory, Path("RenameOrganization"), AdminOnly, (s, _, h) =>
            s.Directory.RenameOrganizationAsync(new RenameOrganizationRequest { OrganizationId = s.Organization.Id, Name = $"Renamed {Guid.NewGuid():N}" }, h).ResponseAsync);
        yield return Rpc(directory, Path("ListOrganizationMembers"), Staff, (s, _, h) =>
            s.Directory.ListOrganizationMembersAsync(new ListOrganizationMembersRequest { OrganizationId = s.Organization.Id }, h).ResponseAsync, AgentOfAnotherProject);
        yield return Rpc(directory, Path("SuggestCustomers"), Staff, (s, _, h) =>
            s.Directory.SuggestCustomersAsync(new SuggestCustomersRequest { ProjectKey = s.Help, Text = s.CustomerA.DisplayName[..6], Limit = 10 }, h).ResponseAsync);
        yield return Rpc(directory, Path("RegisterProject"), AdminOnly, (s, _, h) =>
            s.Directory.RegisterProjectAsync(new RegisterProjectRequest { ProjectKey = AccessScene.NewProjectKey() }, h).ResponseAsync);
        yield return Rpc(directory, Path("FindCustomerByAddress"), [TicketingServiceToken], (s, _, h) =>
            s.Directory.FindCustomerByAddressAsync(new FindCustomerByAddressRequest { Address = s.CustomerA.Address }, h).ResponseAsync);
        yield return Rpc(directory, RpcPath(CustomerKeyService.Descriptor, "GetCustomerKey"), [TicketingServiceToken, NotificationServiceToken], async (s, _, h) =>
            await new CustomerKeyService.CustomerKeyServiceClient(s.Hosts.Directory.Channel).GetCustomerKeyAsync(new GetCustomerKeyRequest { KeyId = await s.KeyIdOfCustomerAAsync() }, h));
    }

    private static IEnumerable<AccessRow> ErasureRows()
    {
        const string directory = ServiceNames.Directory;
        string Path(string method) => RpcPath(ErasureService.Descriptor, method);

        yield return Rpc(directory, Path("RemoveCustomer"), AdminOnly, async (s, _, h) =>
            await s.Erasures.RemoveCustomerAsync(new RemoveCustomerRequest { CustomerId = (await s.NewCustomerAsync(s.Help)).Id, Mode = ErasureMode.Anonymize, Reason = ErasureReason.CustomerRequest }, h));
        yield return Rpc(directory, Path("PreviewRemoval"), AdminOnly, (s, _, h) =>
            s.Erasures.PreviewRemovalAsync(new PreviewRemovalRequest { CustomerId = s.CustomerA.Id, Mode = ErasureMode.Anonymize }, h).ResponseAsync);
        yield return Rpc(directory, Path("GetErasure"), [TheCustomer, Admin], async (s, _, h) =>
            await s.Erasures.GetErasureAsync(new GetErasureRequest { ErasureId = (await s.OwnRemovalOfAAsync()).Id }, h));
        // A customer lists the requests about themselves only.
        yield return Rpc(directory, Path("ListErasures"), [TheCustomer, Admin], async (s, _, h) =>
        {
            await s.OwnRemovalOfAAsync();
            return await s.Erasures.ListErasuresAsync(new ListErasuresRequest(), h);
        }, AnotherCustomer);
        // A removal awaiting approval: only an admin gets as far as being told it cannot be retried yet.
        yield return Rpc(directory, Path("RetryErasure"), AdminOnly, async (s, _, h) =>
            await s.Erasures.RetryErasureAsync(new RetryErasureRequest { ErasureId = (await s.NewOwnRemovalRequestAsync()).Id }, h)) with { PastAuthorisation = "FailedPrecondition" };
        yield return Rpc(directory, Path("ExportErasureEvidence"), AdminOnly, async (s, _, h) =>
            await s.Erasures.ExportErasureEvidenceAsync(new ExportErasureEvidenceRequest { ErasureId = (await s.CompletedRemovalAsync()).Id }, h));
        yield return Rpc(directory, Path("RequestOwnRemoval"), [TheCustomer, AnotherCustomer], (s, _, h) =>
            s.Erasures.RequestOwnRemovalAsync(new RequestOwnRemovalRequest { Mode = ErasureMode.Anonymize }, h).ResponseAsync);
        yield return Rpc(directory, Path("ApproveErasure"), AdminOnly, async (s, _, h) =>
            await s.Erasures.ApproveErasureAsync(new ApproveErasureRequest { ErasureId = (await s.NewOwnRemovalRequestAsync()).Id }, h));
        yield return Rpc(directory, Path("RejectErasure"), AdminOnly, async (s, _, h) =>
            await s.Erasures.RejectErasureAsync(new RejectErasureRequest { ErasureId = (await s.NewOwnRemovalRequestAsync()).Id, Reason = RejectionReason.IdentityNotVerified }, h));
        yield return Rpc(directory, Path("ReinstateAddress"), AdminOnly, async (s, _, h) =>
            await s.Erasures.ReinstateAddressAsync(new ReinstateAddressRequest { ErasureId = (await s.NewCompletedRemovalAsync()).Id, Reason = ReinstatementReason.CustomerReturned }, h));
    }

    private static IEnumerable<AccessRow> TicketingRows()
    {
        const string ticketing = ServiceNames.Ticketing;
        string Path(string method) => RpcPath(TicketingService.Descriptor, method);

        yield return Rpc(ticketing, Path("CreateProject"), AdminOnly, (s, _, h) =>
            s.Ticketing.CreateProjectAsync(new CreateProjectRequest { Key = AccessScene.NewProjectKey(), Name = "New" }, h).ResponseAsync);
        yield return Rpc(ticketing, Path("GetProject"), [TheCustomer, Agent, Admin, NotificationServiceToken], (s, _, h) =>
            s.Ticketing.GetProjectAsync(new GetProjectRequest { Key = s.Help }, h).ResponseAsync);
        yield return Rpc(ticketing, Path("ListProjects"), TheCustomerAndStaff, (s, _, h) =>
            s.Ticketing.ListProjectsAsync(new ListProjectsRequest(), h).ResponseAsync, OutsideScope);
        yield return Rpc(ticketing, Path("CreateTicket"), TheCustomerAndStaff, (s, who, h) =>
            s.Ticketing.CreateTicketAsync(new CreateTicketRequest
            {
                ProjectKey = s.Help,
                ReporterCustomerId = who is TheCustomer or AnotherCustomer ? string.Empty : s.CustomerA.Id,
                Summary = "Help",
            }, h).ResponseAsync);
        yield return Rpc(ticketing, Path("GetTicket"), [TheCustomer, Agent, Admin, NotificationServiceToken], (s, _, h) =>
            s.Ticketing.GetTicketAsync(new GetTicketRequest { TicketId = s.TicketOfA.Id }, h).ResponseAsync);
        yield return Rpc(ticketing, Path("ListTickets"), TheCustomerAndStaff, (s, _, h) =>
            s.Ticketing.ListTicketsAsync(new ListTicketsRequest { ProjectKey = s.Help }, h).ResponseAsync);
        yield return Rpc(ticketing, Path("AddParticipant"), TheCustomerAndStaff, async (s, who, h) =>
            await s.Ticketing.AddParticipantAsync(new AddParticipantRequest { TicketId = s.TicketOfA.Id, CustomerId = s.IdOnTicket(who, await s.NewCustomerAsync(s.Help)) }, h));
        yield return Rpc(ticketing, Path("RemoveParticipant"), TheCustomerAndStaff, async (s, who, h) =>
        {
            var participant = await s.NewCustomerAsync(s.Help);
            await s.Ticketing.AddParticipantAsync(new AddParticipantRequest { TicketId = s.TicketOfA.Id, CustomerId = participant.Id }, s.AdminHeaders);
            return await s.Ticketing.RemoveParticipantAsync(new RemoveParticipantRequest { TicketId = s.TicketOfA.Id, CustomerId = s.IdOnTicket(who, participant) }, h);
        });
        yield return Rpc(ticketing, Path("AddComment"), TheCustomerAndStaff, (s, _, h) =>
            s.Ticketing.AddCommentAsync(new AddCommentRequest { TicketId = s.TicketOfA.Id, Body = "Any news?" }, h).ResponseAsync);
        yield return Rpc(ticketing, Path("ChangeStatus"), Staff, (s, _, h) =>
            s.Ticketing.ChangeStatusAsync(new ChangeStatusRequest { TicketId = s.TicketOfA.Id, Status = TicketStatus.InProgress }, h).ResponseAsync);
        yield return Rpc(ticketing, Path("IngestEmail"), [Admin, MailIntakeToken], (s, _, h) =>
            s.Ticketing.IngestEmailAsync(new IngestEmailRequest { ProjectKey = s.Help, MessageId = $"<{Guid.NewGuid():N}@example.com>", From = s.CustomerA.Address, Subject = "By mail" }, h).ResponseAsync);
        yield return Rpc(ticketing, Path("IngestRawEmail"), [Admin, MailIntakeToken], (s, _, h) =>
            s.Ticketing.IngestRawEmailAsync(new IngestRawEmailRequest
            {
                ProjectKey = s.Help,
                Message = Google.Protobuf.ByteString.CopyFromUtf8($"From: {s.CustomerA.Address}\r\nSubject: By mail\r\nMessage-ID: <{Guid.NewGuid():N}@example.com>\r\n\r\nHello.\r\n"),
            }, h).ResponseAsync);
    }

    private static IEnumerable<AccessRow> NotificationRows()
    {
        const string notification = ServiceNames.Notification;
        string Path(string method) => RpcPath(NotificationService.Descriptor, method);
        NotificationService.NotificationServiceClient Client(AccessScene s) => new(s.Hosts.Notification.Channel);

        // A ticket outside the caller's scope answers an empty page, exactly like an unknown one.
        yield return Rpc(notification, Path("ListDeliveries"), TheCustomerAndStaff, (s, _, h) =>
            Client(s).ListDeliveriesAsync(new ListDeliveriesRequest { TicketId = s.TicketOfA.Id }, h).ResponseAsync, OutsideScope);
        yield return Rpc(notification, Path("IsSuppressed"), AdminOnly, (s, _, h) =>
            Client(s).IsSuppressedAsync(new IsSuppressedRequest { Address = s.CustomerA.Address }, h).ResponseAsync);
    }

    /// <summary>Served by several services: the operator's event operations and the removal participants' dry run.</summary>
    private static IEnumerable<AccessRow> SharedRows()
    {
        foreach (var service in ServiceNames.Backends)
        {
            yield return Rpc(service, RpcPath(EventOperations.Descriptor, "ListEventBacklog"), AdminOnly, (s, _, h) =>
                new EventOperations.EventOperationsClient(s.Hosts[service].Channel).ListEventBacklogAsync(new ListEventBacklogRequest(), h).ResponseAsync);
            yield return Rpc(service, RpcPath(EventOperations.Descriptor, "RedriveDeadLetters"), AdminOnly, (s, _, h) =>
                new EventOperations.EventOperationsClient(s.Hosts[service].Channel).RedriveDeadLettersAsync(new RedriveDeadLettersRequest { Family = "customers" }, h).ResponseAsync);
            // No such dead letter: only an admin gets as far as being told so.
            yield return Rpc(service, RpcPath(EventOperations.Descriptor, "DiscardDeadLetter"), AdminOnly, (s, _, h) =>
                new EventOperations.EventOperationsClient(s.Hosts[service].Channel).DiscardDeadLetterAsync(new DiscardDeadLetterRequest { Family = "customers", EntryId = "1-1" }, h).ResponseAsync)
                with { PastAuthorisation = "NotFound" };
        }

        foreach (var service in new[] { ServiceNames.Identity, ServiceNames.Ticketing, ServiceNames.Notification })
        {
            yield return Rpc(service, RpcPath(ErasureParticipantService.Descriptor, "PreviewErasure"), [DirectoryServiceToken], (s, _, h) =>
                new ErasureParticipantService.ErasureParticipantServiceClient(s.Hosts[service].Channel).PreviewErasureAsync(
                    new PreviewErasureRequest { CustomerId = s.CustomerA.Id, Mode = Contracts.Events.V1.ErasureMode.Anonymize }, h).ResponseAsync);
        }
    }

    /// <summary>
    /// The gateway calls the services with the caller's own token, so each endpoint allows whom its RPC allows
    /// (a service token presented to the gateway is worth what it is worth at the service, no more).
    /// </summary>
    private static IEnumerable<AccessRow> GatewayRows()
    {
        static Task<(string, object?)> To(string path, object? body = null) => Task.FromResult<(string, object?)>((path, body));
        var get = HttpMethod.Get;
        var post = HttpMethod.Post;
        var put = HttpMethod.Put;
        var patch = HttpMethod.Patch;
        var delete = HttpMethod.Delete;

        // Session
        yield return Endpoint(post, "/api/v1/session", Everyone, (s, _) => To("/api/v1/session", new { login = s.LoginOf(Agent), password = Password }));
        yield return Endpoint(post, "/api/v1/tokens", Everyone, (s, _) => To("/api/v1/tokens", new { login = s.LoginOf(Agent), password = Password }));
        yield return Endpoint(post, "/api/v1/tokens/refresh", Everyone, async (s, _) => ("/api/v1/tokens/refresh", new { refreshToken = await s.NewRefreshTokenAsync() }));
        yield return Endpoint(post, "/api/v1/tokens/revoke", Everyone, async (s, _) => ("/api/v1/tokens/revoke", new { refreshToken = await s.NewRefreshTokenAsync() }));
        yield return Endpoint(get, "/api/v1/session", Accounts, (_, _) => To("/api/v1/session"));
        // Signing out ends the caller's own cookie session, if any, and clears the cookies: nothing to refuse. A caller
        // with a bearer token and no cookie is told its session ends with /tokens/revoke (400), not answered 204.
        yield return Endpoint(delete, "/api/v1/session", Everyone, (_, _) => To("/api/v1/session")) with { PastAuthorisation = "HTTP 400" };
        yield return Endpoint(get, "/api/v1/me", Accounts, (_, _) => To("/api/v1/me"));
        yield return Endpoint(post, "/api/v1/me/password", Accounts, (_, _) => To("/api/v1/me/password", new { currentPassword = Password, newPassword = $"{Password} changed" }));

        // Accounts
        yield return Endpoint(post, "/api/v1/accounts/", AdminOnly, (s, _) => To("/api/v1/accounts/", new { login = NewLogin(), password = Password, role = "agent", projectKeys = new[] { s.Help } }));
        foreach (var action in new[] { "disable", "enable" })
        {
            yield return Endpoint(post, $"/api/v1/accounts/{{accountId}}/{action}", AdminOnly, async (s, _) =>
                ($"/api/v1/accounts/{(await s.NewAccountAsync(Role.Agent, null, s.Help)).AccountId}/{action}", null));
        }

        yield return Endpoint(delete, "/api/v1/accounts/{accountId}", AdminOnly, async (s, _) => ($"/api/v1/accounts/{(await s.NewAccountAsync(Role.Agent, null, s.Help)).AccountId}", null));

        // Customers and organizations
        yield return Endpoint(get, "/api/v1/customers/", Staff, (s, _) => To($"/api/v1/customers/?projectKey={s.Help}"));
        yield return Endpoint(post, "/api/v1/customers/", [Agent, Admin, TicketingServiceToken], (s, _) =>
            To("/api/v1/customers/", new { address = AccessScene.NewAddress(), displayName = "New", projectKeys = new[] { s.Help } }));
        yield return Endpoint(post, "/api/v1/customers/suggestions", Staff, (s, _) =>
            To("/api/v1/customers/suggestions", new { projectKey = s.Help, text = s.CustomerA.DisplayName[..6], limit = 10 }));
        yield return Endpoint(get, "/api/v1/customers/{customerId}", [TheCustomer, Agent, Admin, TicketingServiceToken], (s, _) => To($"/api/v1/customers/{s.CustomerA.Id}"));
        yield return Endpoint(patch, "/api/v1/customers/{customerId}", TheCustomerAndStaff, (s, _) =>
            To($"/api/v1/customers/{s.CustomerA.Id}", new { displayName = $"Renamed {Guid.NewGuid():N}" }));
        yield return Endpoint(put, "/api/v1/customers/{customerId}/projects/{projectKey}", [Agent, Admin, TicketingServiceToken], (s, _) =>
            To($"/api/v1/customers/{s.CustomerA.Id}/projects/{s.Help}"));
        yield return Endpoint(delete, "/api/v1/customers/{customerId}/projects/{projectKey}", Staff, async (s, _) =>
            ($"/api/v1/customers/{(await s.NewCustomerAsync(s.Help)).Id}/projects/{s.Help}", null));
        yield return Endpoint(post, "/api/v1/organizations/", Agents, (_, _) => To("/api/v1/organizations/", new { name = $"Organization {Guid.NewGuid():N}" }));
        yield return Endpoint(patch, "/api/v1/organizations/{organizationId}", AdminOnly, (s, _) =>
            To($"/api/v1/organizations/{s.Organization.Id}", new { name = $"Renamed {Guid.NewGuid():N}" }));
        yield return Endpoint(get, "/api/v1/organizations/{organizationId}/members", Staff, (s, _) =>
            To($"/api/v1/organizations/{s.Organization.Id}/members"), AgentOfAnotherProject);

        // Projects and tickets
        yield return Endpoint(get, "/api/v1/projects/", TheCustomerAndStaff, (_, _) => To("/api/v1/projects/"), OutsideScope);
        yield return Endpoint(post, "/api/v1/projects/", AdminOnly, (_, _) => To("/api/v1/projects/", new { key = AccessScene.NewProjectKey(), name = "New" }));
        yield return Endpoint(get, "/api/v1/projects/{projectKey}", [TheCustomer, Agent, Admin, NotificationServiceToken], (s, _) => To($"/api/v1/projects/{s.Help}"));
        yield return Endpoint(get, "/api/v1/tickets/", TheCustomerAndStaff, (s, _) => To($"/api/v1/tickets/?projectKey={s.Help}"));
        yield return Endpoint(post, "/api/v1/tickets/", TheCustomerAndStaff, (s, who) =>
            To("/api/v1/tickets/", new { projectKey = s.Help, reporterCustomerId = who is TheCustomer or AnotherCustomer ? null : s.CustomerA.Id, summary = "Help" }));
        yield return Endpoint(get, "/api/v1/tickets/{ticketId}", [TheCustomer, Agent, Admin, NotificationServiceToken], (s, _) => To($"/api/v1/tickets/{s.TicketOfA.Id}"));
        yield return Endpoint(post, "/api/v1/tickets/{ticketId}/comments", TheCustomerAndStaff, (s, _) => To($"/api/v1/tickets/{s.TicketOfA.Id}/comments", new { body = "Any news?" }));
        yield return Endpoint(put, "/api/v1/tickets/{ticketId}/participants/{customerId}", TheCustomerAndStaff, async (s, who) =>
            ($"/api/v1/tickets/{s.TicketOfA.Id}/participants/{s.IdOnTicket(who, await s.NewCustomerAsync(s.Help))}", null));
        yield return Endpoint(delete, "/api/v1/tickets/{ticketId}/participants/{customerId}", TheCustomerAndStaff, async (s, who) =>
        {
            var participant = await s.NewCustomerAsync(s.Help);
            await s.Ticketing.AddParticipantAsync(new AddParticipantRequest { TicketId = s.TicketOfA.Id, CustomerId = participant.Id }, s.AdminHeaders);
            return ($"/api/v1/tickets/{s.TicketOfA.Id}/participants/{s.IdOnTicket(who, participant)}", null);
        });
        yield return Endpoint(put, "/api/v1/tickets/{ticketId}/status", Staff, (s, _) => To($"/api/v1/tickets/{s.TicketOfA.Id}/status", new { status = "in_progress" }));

        // Removals
        yield return Endpoint(post, "/api/v1/erasures/", AdminOnly, async (s, _) => ("/api/v1/erasures/", new { customerId = (await s.NewCustomerAsync(s.Help)).Id, mode = "anonymize", reason = "customer_request" }));
        yield return Endpoint(get, "/api/v1/erasures/", [TheCustomer, Admin], async (s, _) => { await s.OwnRemovalOfAAsync(); return ("/api/v1/erasures/", null); }, AnotherCustomer);
        yield return Endpoint(get, "/api/v1/erasures/{erasureId}", [TheCustomer, Admin], async (s, _) => ($"/api/v1/erasures/{(await s.OwnRemovalOfAAsync()).Id}", null));
        yield return Endpoint(post, "/api/v1/erasures/{erasureId}/retry", AdminOnly, async (s, _) => ($"/api/v1/erasures/{(await s.NewOwnRemovalRequestAsync()).Id}/retry", null))
            with { PastAuthorisation = "HTTP 400" };
        yield return Endpoint(post, "/api/v1/erasures/{erasureId}/approval", AdminOnly, async (s, _) => ($"/api/v1/erasures/{(await s.NewOwnRemovalRequestAsync()).Id}/approval", null));
        yield return Endpoint(post, "/api/v1/erasures/{erasureId}/rejection", AdminOnly, async (s, _) =>
            ($"/api/v1/erasures/{(await s.NewOwnRemovalRequestAsync()).Id}/rejection", new { reason = "identity_not_verified" }));
        yield return Endpoint(post, "/api/v1/erasures/{erasureId}/reinstatement", AdminOnly, async (s, _) =>
            ($"/api/v1/erasures/{(await s.NewCompletedRemovalAsync()).Id}/reinstatement", new { reason = "customer_returned" }));
        yield return Endpoint(get, "/api/v1/erasures/{erasureId}/evidence", AdminOnly, async (s, _) => ($"/api/v1/erasures/{(await s.CompletedRemovalAsync()).Id}/evidence", null));
        yield return Endpoint(post, "/api/v1/customers/{customerId}/removal-preview", AdminOnly, (s, _) =>
            To($"/api/v1/customers/{s.CustomerA.Id}/removal-preview", new { mode = "anonymize" }));
        yield return Endpoint(post, "/api/v1/me/removal-request", [TheCustomer, AnotherCustomer], (_, _) => To("/api/v1/me/removal-request", new { mode = "anonymize" }));

        // Notifications
        yield return Endpoint(get, "/api/v1/deliveries", TheCustomerAndStaff, (s, _) => To($"/api/v1/deliveries?ticketId={s.TicketOfA.Id}"), OutsideScope);
        yield return Endpoint(post, "/api/v1/suppressions/check", AdminOnly, (s, _) => To("/api/v1/suppressions/check", new { address = s.CustomerA.Address }));
    }
}
