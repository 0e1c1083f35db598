using Grpc.Core;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Directory.Customers;
using ServiceDesk.Directory.Organizations;
using ServiceDesk.Directory.Projects;
using ServiceDesk.Directory.Suggestions;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.KeyProtection;
using CustomerMessage = ServiceDesk.Contracts.Directory.V1.Customer;
using OrganizationMessage = ServiceDesk.Contracts.Directory.V1.Organization;

namespace ServiceDesk.Directory.Grpc;

/// <summary>
/// The v1 directory API. Requests are validated before a handler runs (see the *Validator classes); each
/// handler then takes its caller within the <see cref="ServiceAccessPolicy"/> (a service identity only for the
/// RPCs granted to it), authorises them (<see cref="DirectoryAccess"/>), or hands them to the feature service
/// where the rule needs the stored customer. Customers in answers to an agent are their <see cref="AgentView"/>
/// from the project the agent named them through, under an id scoped to it.
/// </summary>
public sealed class DirectoryGrpcService(
    CustomerService customers,
    OrganizationService organizations,
    CustomerSuggester suggester,
    IProjectStore projects,
    ProjectScopedIds scopedIds,
    TimeProvider time)
    : DirectoryService.DirectoryServiceBase
{
    public override async Task<CustomerMessage> CreateCustomer(CreateCustomerRequest request, ServerCallContext context)
    {
        var caller = context.GetCallerWithinServicePolicy().RequireEveryProject(request.ProjectKeys, "project_keys");
        return (await customers.CreateAsync(caller, request, context.CancellationToken)).ToMessage(caller, scopedIds, request.ProjectKeys.Min(StringComparer.Ordinal));
    }

    public override async Task<CustomerMessage> GetCustomer(GetCustomerRequest request, ServerCallContext context)
    {
        var caller = context.GetCallerWithinServicePolicy();
        return (await customers.GetAsync(caller, request.CustomerId, context.CancellationToken)).ToMessage(caller, scopedIds, scopedIds.ProjectOf(request.CustomerId));
    }

    public override async Task<CustomerMessage> FindCustomerByAddress(FindCustomerByAddressRequest request, ServerCallContext context)
    {
        var caller = context.GetCallerWithinServicePolicy();
        return (await customers.FindByAddressAsync(caller, request.Address, context.CancellationToken)).ToMessage(caller, scopedIds);
    }

    public override async Task<CustomerMessage> UpdateCustomer(UpdateCustomerRequest request, ServerCallContext context)
    {
        var caller = context.GetCallerWithinServicePolicy();
        return (await customers.UpdateAsync(caller, request, context.CancellationToken)).ToMessage(caller, scopedIds, scopedIds.ProjectOf(request.CustomerId));
    }

    public override async Task<ListCustomersResponse> ListCustomers(ListCustomersRequest request, ServerCallContext context)
    {
        var caller = context.GetCallerWithinServicePolicy().RequireEveryProject(request.ProjectKey.Length == 0 ? [] : [request.ProjectKey], "project_key");
        var page = await customers.ListAsync(caller, request, context.CancellationToken);
        return new ListCustomersResponse { Customers = { page.Customers.Select(customer => customer.ToMessage(caller, scopedIds, request.ProjectKey)) }, NextPageToken = page.NextPageToken };
    }

    public override async Task<CustomerMessage> AddToProject(AddToProjectRequest request, ServerCallContext context)
    {
        var caller = context.GetCallerWithinServicePolicy().RequireProjectAccess(request.ProjectKey);
        return (await customers.AddToProjectAsync(caller, request.CustomerId, request.ProjectKey, context.CancellationToken))
            .ToMessage(caller, scopedIds, scopedIds.ProjectOf(request.CustomerId));
    }

    public override async Task<CustomerMessage> RemoveFromProject(RemoveFromProjectRequest request, ServerCallContext context)
    {
        var caller = context.GetCallerWithinServicePolicy().RequireProjectAccess(request.ProjectKey);
        return (await customers.RemoveFromProjectAsync(caller, request.CustomerId, request.ProjectKey, context.CancellationToken))
            .ToMessage(caller, scopedIds, scopedIds.ProjectOf(request.CustomerId) ?? request.ProjectKey);
    }

    public override async Task<OrganizationMessage> CreateOrganization(CreateOrganizationRequest request, ServerCallContext context)
    {
        context.GetCallerWithinServicePolicy().RequireStaff();
        return (await organizations.CreateAsync(request.Name, context.CancellationToken)).ToMessage();
    }

    public override async Task<OrganizationMessage> RenameOrganization(RenameOrganizationRequest request, ServerCallContext context)
    {
        // An organization's name is every project's (names are unique across them): an admin's to change.
        context.GetCallerWithinServicePolicy().RequireAdmin();
        return (await organizations.RenameAsync(request.OrganizationId, request.Name, context.CancellationToken)).ToMessage();
    }

    public override async Task<ListOrganizationMembersResponse> ListOrganizationMembers(ListOrganizationMembersRequest request, ServerCallContext context)
    {
        var caller = context.GetCallerWithinServicePolicy().RequireStaff();
        var page = await organizations.ListMembersAsync(caller, request, context.CancellationToken);
        return new ListOrganizationMembersResponse { Customers = { page.Customers.Select(customer => customer.ToMessage(caller, scopedIds)) }, NextPageToken = page.NextPageToken };
    }

    public override async Task<SuggestCustomersResponse> SuggestCustomers(SuggestCustomersRequest request, ServerCallContext context)
    {
        var caller = context.GetCallerWithinServicePolicy().RequireProjectAccess(request.ProjectKey);
        var suggestions = await suggester.SuggestAsync(request.ProjectKey, request.Text, SuggestCustomersValidator.EffectiveLimit(request), context.CancellationToken);
        var response = new SuggestCustomersResponse();
        foreach (var suggestion in suggestions)
        {
            response.Suggestions.Add(suggestion.ToMessage(caller, scopedIds, request.ProjectKey));
        }

        return response;
    }

    public override async Task<RegisterProjectResponse> RegisterProject(RegisterProjectRequest request, ServerCallContext context)
    {
        context.GetCallerWithinServicePolicy().RequireAdminOrService();
        return new RegisterProjectResponse
        {
            ProjectKey = request.ProjectKey,
            Created = await projects.RegisterAsync(request.ProjectKey, time.Now(), context.CancellationToken),
        };
    }
}
