using Grpc.Core;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Directory.Customers;
using ServiceDesk.Directory.Organizations;
using ServiceDesk.Directory.Projects;
using ServiceDesk.Directory.Suggestions;
using ServiceDesk.Hosting.Auth;
using CustomerMessage = ServiceDesk.Contracts.Directory.V1.Customer;
using OrganizationMessage = ServiceDesk.Contracts.Directory.V1.Organization;

namespace ServiceDesk.Directory.Grpc;

/// <summary>
/// The v1 directory API. Requests are validated before a handler runs (see the *Validator classes); each
/// handler then authorises its caller (<see cref="DirectoryAccess"/>), or hands the caller to the feature
/// service where the rule needs the stored customer.
/// </summary>
public sealed class DirectoryGrpcService(
    CustomerService customers, OrganizationService organizations, CustomerSuggester suggester, IProjectStore projects, TimeProvider time)
    : DirectoryService.DirectoryServiceBase
{
    public override async Task<CustomerMessage> CreateCustomer(CreateCustomerRequest request, ServerCallContext context)
    {
        context.GetCaller().RequireEveryProject(request.ProjectKeys, "project_keys");
        return (await customers.CreateAsync(request, context.CancellationToken)).ToMessage();
    }

    public override async Task<CustomerMessage> GetCustomer(GetCustomerRequest request, ServerCallContext context) =>
        (await customers.GetAsync(context.GetCaller(), request.CustomerId, context.CancellationToken)).ToMessage();

    public override async Task<CustomerMessage> UpdateCustomer(UpdateCustomerRequest request, ServerCallContext context) =>
        (await customers.UpdateAsync(context.GetCaller(), request, context.CancellationToken)).ToMessage();

    public override async Task<ListCustomersResponse> ListCustomers(ListCustomersRequest request, ServerCallContext context)
    {
        context.GetCaller().RequireEveryProject(request.ProjectKey.Length == 0 ? [] : [request.ProjectKey], "project_key");
        var page = await customers.ListAsync(request, context.CancellationToken);
        return new ListCustomersResponse { Customers = { page.Customers.Select(customer => customer.ToMessage()) }, NextPageToken = page.NextPageToken };
    }

    public override async Task<CustomerMessage> AddToProject(AddToProjectRequest request, ServerCallContext context)
    {
        context.GetCaller().RequireProjectAccess(request.ProjectKey);
        return (await customers.AddToProjectAsync(request.CustomerId, request.ProjectKey, context.CancellationToken)).ToMessage();
    }

    public override async Task<CustomerMessage> RemoveFromProject(RemoveFromProjectRequest request, ServerCallContext context)
    {
        context.GetCaller().RequireProjectAccess(request.ProjectKey);
        return (await customers.RemoveFromProjectAsync(context.GetCaller(), request.CustomerId, request.ProjectKey, context.CancellationToken)).ToMessage();
    }

    public override async Task<OrganizationMessage> CreateOrganization(CreateOrganizationRequest request, ServerCallContext context)
    {
        context.GetCaller().RequireStaff();
        return (await organizations.CreateAsync(request.Name, context.CancellationToken)).ToMessage();
    }

    public override async Task<OrganizationMessage> RenameOrganization(RenameOrganizationRequest request, ServerCallContext context)
    {
        context.GetCaller().RequireStaff();
        return (await organizations.RenameAsync(request.OrganizationId, request.Name, context.CancellationToken)).ToMessage();
    }

    public override async Task<ListOrganizationMembersResponse> ListOrganizationMembers(ListOrganizationMembersRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller().RequireStaff();
        var page = await organizations.ListMembersAsync(request, caller.VisibleProjects(), context.CancellationToken);
        return new ListOrganizationMembersResponse { Customers = { page.Customers.Select(customer => customer.ToMessage()) }, NextPageToken = page.NextPageToken };
    }

    public override async Task<SuggestCustomersResponse> SuggestCustomers(SuggestCustomersRequest request, ServerCallContext context)
    {
        context.GetCaller().RequireProjectAccess(request.ProjectKey);
        var suggestions = await suggester.SuggestAsync(request.ProjectKey, request.Text, request.Limit, context.CancellationToken);
        return new SuggestCustomersResponse { Suggestions = { suggestions.Select(suggestion => suggestion.ToMessage()) } };
    }

    public override async Task<RegisterProjectResponse> RegisterProject(RegisterProjectRequest request, ServerCallContext context)
    {
        context.GetCaller().RequireAdminOrService();
        return new RegisterProjectResponse
        {
            ProjectKey = request.ProjectKey,
            Created = await projects.RegisterAsync(request.ProjectKey, time.Now(), context.CancellationToken),
        };
    }
}
