using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Gateway.Backends;
using ServiceDesk.Gateway.Problems;

namespace ServiceDesk.Gateway.Api;

public sealed record CreateCustomerBody(string? Address, string? DisplayName, string? OrganizationId, IReadOnlyList<string>? ProjectKeys);

/// <summary>Fields left out (null) stay as they are; <see cref="ExpectedVersion"/> 0 skips the concurrency check.</summary>
public sealed record UpdateCustomerBody(string? Address, string? DisplayName, string? OrganizationId, long ExpectedVersion);

/// <summary>The typed prefix travels in the body, never in a URL: it is usually part of an address.</summary>
public sealed record SuggestCustomersBody(string? ProjectKey, string? Text, int Limit);

public sealed record OrganizationBody(string? Name);

/// <summary>Customers and organizations (Directory).</summary>
internal static class DirectoryEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var customers = api.MapGroup("/customers").WithTags("Customers");
        customers.MapGet("/", ListAsync).WithSummary("Customers of a project (agents: one of theirs; admins: any or all), a page at a time");
        customers.MapPost("/", CreateAsync).WithSummary("Create a customer");
        customers.MapPost("/suggestions", SuggestAsync).WithSummary("Customers of a project matching what was typed so far (the pickers)");
        customers.MapGet("/{customerId}", GetAsync).WithSummary("One customer");
        customers.MapPatch("/{customerId}", UpdateAsync).WithSummary("Change a customer's address, name or organization");
        customers.MapPut("/{customerId}/projects/{projectKey}", AddToProjectAsync).WithSummary("Make the customer a customer of the project");
        customers.MapDelete("/{customerId}/projects/{projectKey}", RemoveFromProjectAsync).WithSummary("Remove the customer from the project");

        var organizations = api.MapGroup("/organizations").WithTags("Organizations");
        organizations.MapPost("/", CreateOrganizationAsync).WithSummary("Create an organization");
        organizations.MapPatch("/{organizationId}", RenameOrganizationAsync).WithSummary("Rename an organization (admin)");
        organizations.MapGet("/{organizationId}/members", MembersAsync).WithSummary("Customers of an organization, a page at a time");
    }

    private static async Task<IResult> ListAsync(string? projectKey, int? pageSize, string? pageToken, DirectoryService.DirectoryServiceClient directory, BackendCall call)
    {
        var page = await directory.ListCustomersAsync(
            new ListCustomersRequest { ProjectKey = projectKey ?? string.Empty, PageSize = pageSize ?? 0, PageToken = pageToken ?? string.Empty }, await call.AsUserAsync());
        return Results.Ok(new Page<CustomerResource>([.. page.Customers.Select(CustomerResource.From)], page.NextPageToken));
    }

    private static async Task<IResult> CreateAsync(CreateCustomerBody body, DirectoryService.DirectoryServiceClient directory, BackendCall call)
    {
        if (GrpcProblems.NullEntry(body.ProjectKeys, "projectKeys") is { } nullEntry)
        {
            return nullEntry;
        }

        var customer = await directory.CreateCustomerAsync(
            new CreateCustomerRequest
            {
                Address = body.Address ?? string.Empty,
                DisplayName = body.DisplayName ?? string.Empty,
                OrganizationId = body.OrganizationId ?? string.Empty,
                ProjectKeys = { body.ProjectKeys ?? [] },
            },
            await call.AsUserAsync());
        return Results.Created($"/api/v1/customers/{customer.Id}", CustomerResource.From(customer));
    }

    private static async Task<IResult> SuggestAsync(SuggestCustomersBody body, DirectoryService.DirectoryServiceClient directory, BackendCall call)
    {
        var suggestions = await directory.SuggestCustomersAsync(
            new SuggestCustomersRequest { ProjectKey = body.ProjectKey ?? string.Empty, Text = body.Text ?? string.Empty, Limit = body.Limit }, await call.AsUserAsync());
        return Results.Ok(new Page<SuggestionResource>([.. suggestions.Suggestions.Select(SuggestionResource.From)], string.Empty));
    }

    private static async Task<IResult> GetAsync(string customerId, DirectoryService.DirectoryServiceClient directory, BackendCall call) =>
        Results.Ok(CustomerResource.From(await directory.GetCustomerAsync(new GetCustomerRequest { CustomerId = customerId }, await call.AsUserAsync())));

    private static async Task<IResult> UpdateAsync(string customerId, UpdateCustomerBody body, DirectoryService.DirectoryServiceClient directory, BackendCall call)
    {
        var request = new UpdateCustomerRequest { CustomerId = customerId, ExpectedVersion = body.ExpectedVersion };
        if (body.Address is not null)
        {
            request.Address = body.Address;
        }

        if (body.DisplayName is not null)
        {
            request.DisplayName = body.DisplayName;
        }

        if (body.OrganizationId is not null)
        {
            request.OrganizationId = body.OrganizationId;
        }

        return Results.Ok(CustomerResource.From(await directory.UpdateCustomerAsync(request, await call.AsUserAsync())));
    }

    private static async Task<IResult> AddToProjectAsync(string customerId, string projectKey, DirectoryService.DirectoryServiceClient directory, BackendCall call) =>
        Results.Ok(CustomerResource.From(await directory.AddToProjectAsync(new AddToProjectRequest { CustomerId = customerId, ProjectKey = projectKey }, await call.AsUserAsync())));

    private static async Task<IResult> RemoveFromProjectAsync(string customerId, string projectKey, DirectoryService.DirectoryServiceClient directory, BackendCall call) =>
        Results.Ok(CustomerResource.From(await directory.RemoveFromProjectAsync(new RemoveFromProjectRequest { CustomerId = customerId, ProjectKey = projectKey }, await call.AsUserAsync())));

    private static async Task<IResult> CreateOrganizationAsync(OrganizationBody body, DirectoryService.DirectoryServiceClient directory, BackendCall call)
    {
        var organization = await directory.CreateOrganizationAsync(new CreateOrganizationRequest { Name = body.Name ?? string.Empty }, await call.AsUserAsync());
        return Results.Created($"/api/v1/organizations/{organization.Id}", OrganizationResource.From(organization));
    }

    private static async Task<IResult> RenameOrganizationAsync(string organizationId, OrganizationBody body, DirectoryService.DirectoryServiceClient directory, BackendCall call) =>
        Results.Ok(OrganizationResource.From(await directory.RenameOrganizationAsync(
            new RenameOrganizationRequest { OrganizationId = organizationId, Name = body.Name ?? string.Empty }, await call.AsUserAsync())));

    private static async Task<IResult> MembersAsync(string organizationId, int? pageSize, string? pageToken, DirectoryService.DirectoryServiceClient directory, BackendCall call)
    {
        var page = await directory.ListOrganizationMembersAsync(
            new ListOrganizationMembersRequest { OrganizationId = organizationId, PageSize = pageSize ?? 0, PageToken = pageToken ?? string.Empty }, await call.AsUserAsync());
        return Results.Ok(new Page<CustomerResource>([.. page.Customers.Select(CustomerResource.From)], page.NextPageToken));
    }
}
