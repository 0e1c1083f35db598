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

    /// <summary>
    /// An organization is shared by every project whose customers belong to it, so an agent renames only one that has
    /// members and whose members all belong to their projects alone (the profiles they own); any other is an admin's to
    /// rename. One without members is nobody's yet: any agent could otherwise rename one another project's agent
    /// created and has not given a customer yet, or one its removals emptied.
    /// </summary>
    public async Task<Organization> RenameAsync(Caller caller, string organizationId, string name, CancellationToken cancellationToken)
    {
        if (caller.Role == CallerRole.Agent)
        {
            await organizations.GetExistingAsync(organizationId, "organization_id", cancellationToken);
            await RequireMembersOwnedByAsync(caller, organizationId, cancellationToken);
        }

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

    private async Task RequireMembersOwnedByAsync(Caller agent, string organizationId, CancellationToken cancellationToken)
    {
        const int PageSize = 500;
        string? afterAddress = null;
        while (true)
        {
            var members = await customers.ListByOrganizationAsync(organizationId, withinProjects: null, afterAddress, PageSize, cancellationToken);
            if (members.Any(member => member.ProjectKeys.Count == 0 || !agent.OwnsProfile(member)))
            {
                throw new PermissionDeniedException(
                    "The organization has customers in projects the caller does not work in; only an admin may rename an organization other projects share.");
            }

            if (afterAddress is null && members.Count == 0)
            {
                throw new PermissionDeniedException("The organization has no customers yet; only an admin may rename an organization no project's customers belong to.");
            }

            if (members.Count < PageSize)
            {
                return;
            }

            afterAddress = members[^1].Address;
        }
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
