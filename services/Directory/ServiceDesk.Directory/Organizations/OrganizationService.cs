using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Directory.Customers;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Errors;

namespace ServiceDesk.Directory.Organizations;

/// <summary>Organizations and their members. Requests arrive validated by the OrganizationValidators.</summary>
public sealed class OrganizationService(IOrganizationStore organizations, ICustomerStore customers, CustomerPaging paging, TimeProvider time)
{
    public async Task<Organization> CreateAsync(string name, CancellationToken cancellationToken)
    {
        var organization = new Organization(Guid.CreateVersion7().ToString("N"), name.Trim(), time.Now());
        try
        {
            await organizations.InsertAsync(organization, cancellationToken);
        }
        catch (OrganizationNameTakenException taken)
        {
            throw new AlreadyExistsException("organization", taken.ExistingOrganizationId, "name");
        }

        return organization;
    }

    public async Task<Organization> RenameAsync(string organizationId, string name, CancellationToken cancellationToken)
    {
        try
        {
            if (!await organizations.RenameAsync(organizationId, name.Trim(), cancellationToken))
            {
                throw new NotFoundException("organization", organizationId, "organization_id");
            }
        }
        catch (OrganizationNameTakenException taken)
        {
            throw new AlreadyExistsException("organization", taken.ExistingOrganizationId, "name");
        }

        return await organizations.GetExistingAsync(organizationId, "organization_id", cancellationToken);
    }

    /// <summary>
    /// The members in address order the caller may see: an agent only those who belong to their projects alone, as the
    /// organization of a customer shared with other projects is not shown to agents.
    /// </summary>
    public async Task<CustomerPage> ListMembersAsync(Caller caller, ListOrganizationMembersRequest request, CancellationToken cancellationToken)
    {
        await organizations.GetExistingAsync(request.OrganizationId, "organization_id", cancellationToken);
        return await paging.ReadAsync(
            request.PageSize,
            request.PageToken,
            $"ListOrganizationMembers|{request.OrganizationId}|{caller.PagingIdentity()}",
            customer => customer.OrganizationId == request.OrganizationId
                && (caller.MemberListProjects() is not { } projects || customer.ProjectKeys is { Count: > 0 } keys && keys.All(projects.Contains)),
            (after, limit) => customers.ListByOrganizationAsync(request.OrganizationId, caller.MemberListProjects(), after, limit, cancellationToken),
            cancellationToken);
    }
}
