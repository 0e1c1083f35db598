using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Directory.Erasure;
using ServiceDesk.Directory.Keys;
using ServiceDesk.Directory.Organizations;
using ServiceDesk.Directory.Projects;
using ServiceDesk.Directory.Suggestions;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Hosting.KeyProtection;
using ServiceDesk.Hosting.Validation;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Messaging.Publishing;

namespace ServiceDesk.Directory.Customers;

/// <summary>
/// Customer profiles and project membership. Requests arrive validated by the CustomerValidators. Creating a
/// customer publishes CustomerCreated, every change that bumps the version CustomerUpdated: the store records
/// the event with the change, and the outbox relay takes it to Redis.
/// </summary>
public sealed class CustomerService(
    ICustomerStore customers,
    IProjectStore projects,
    IOrganizationStore organizations,
    ICustomerKeyStore keys,
    IErasureStore erasures,
    CustomerPaging paging,
    ProjectScopedIds scopedIds,
    CustomerLookup lookup,
    IntegrationEvents events,
    SuggestionIndexFeed suggestions,
    TimeProvider time)
{
    /// <summary>
    /// A new customer; or, when an agent names an address that is already a customer's, an invitation: that
    /// customer joins the agent's projects and the agent sees them as any customer of their projects, seen from the
    /// project joined (<see cref="AgentView"/>): as new as a customer just created, never the other projects.
    /// Others learn the existing customer's id from ALREADY_EXISTS: admins may see everyone, and services are
    /// granted this RPC to find the sender of inbound mail.
    /// </summary>
    public async Task<Customer> CreateAsync(Caller caller, CreateCustomerRequest request, CancellationToken cancellationToken)
    {
        for (var i = 0; i < request.ProjectKeys.Count; i++)
        {
            await projects.EnsureExistsAsync(request.ProjectKeys[i], $"project_keys[{i}]", cancellationToken);
        }

        var organizationId = request.OrganizationId.Length == 0 ? null : request.OrganizationId;
        if (organizationId is not null)
        {
            await organizations.GetExistingAsync(organizationId, "organization_id", cancellationToken);
        }

        var customer = Customer.New(
            Guid.CreateVersion7().ToString("N"), EmailAddress.Parse(request.Address).Value, request.DisplayName.Trim(), organizationId, request.ProjectKeys, time.Now());
        var key = keys.New(customer.Id);
        try
        {
            var stamps = await customers.InsertAsync(customer, key, [events.Prepare(CustomerEvents.Created(customer, key.Key))], cancellationToken);
            await suggestions.ChangedAsync(customer, stamps);
        }
        catch (AddressTakenException taken) when (caller.Role == CallerRole.Agent)
        {
            await RequireNoRemovalAwaitingOfAddressOwnerAsync(caller, taken.ExistingCustomerId, cancellationToken);
            return await ChangeAsync(
                taken.ExistingCustomerId,
                scopedIds.For(taken.ExistingCustomerId, customer.ProjectKeys[0]),
                expectedVersion: 0,
                current => current.JoinedByStaff(request.ProjectKeys),
                caller,
                cancellationToken);
        }
        catch (AddressTakenException taken)
        {
            throw new AlreadyExistsException("customer", taken.ExistingCustomerId, "address");
        }
        catch (AddressErasedException erased)
        {
            throw ErasedAddresses.Refusal(caller, erased.ErasureId, "address");
        }

        events.WakeRelay();
        return customer;
    }

    /// <summary>
    /// A customer reads only their own profile, decided before the look-up so another id is refused whether it
    /// exists or not; an agent only a customer of one of their projects, any other id being NOT_FOUND exactly
    /// as an unknown one; admins and services anyone. <paramref name="customerId"/> is the customer's id or one
    /// scoped to a project (<see cref="ProjectScopedIds"/>), which agents may use only for their own projects.
    /// </summary>
    public async Task<Customer> GetAsync(Caller caller, string customerId, CancellationToken cancellationToken)
    {
        caller.RequireSelfOrStaff(customerId);
        var customer = await FindAsync(caller, customerId, cancellationToken);
        return customer is not null && caller.CanSee(customer) ? customer : throw NotFound(customerId);
    }

    /// <summary>Service identities only (the access table grants it to ticketing, for the senders of inbound mail).</summary>
    public async Task<Customer> FindByAddressAsync(Caller caller, string address, CancellationToken cancellationToken)
    {
        caller.RequireService();
        return await customers.FindByAddressAsync(EmailAddress.Parse(address).Value, cancellationToken)
            ?? throw new NotFoundException("customer", "with this address", "address");
    }

    /// <summary>
    /// Who may read the customer may change it, except that a customer may change only their display name and
    /// an agent only a profile no project but theirs shares.
    /// </summary>
    public async Task<Customer> UpdateAsync(Caller caller, UpdateCustomerRequest request, CancellationToken cancellationToken)
    {
        if (caller.Role == CallerRole.Customer && (request.HasAddress || request.HasOrganizationId))
        {
            throw new PermissionDeniedException("A customer may change only their own display_name; address and organization_id are changed by staff.");
        }

        var customer = await GetAsync(caller, request.CustomerId, cancellationToken);
        caller.RequireProfileOwnership(customer);
        if (request is { HasOrganizationId: true, OrganizationId.Length: > 0 })
        {
            await organizations.GetExistingAsync(request.OrganizationId, "organization_id", cancellationToken);
        }

        return await ChangeAsync(
            customer.Id,
            request.CustomerId,
            request.ExpectedVersion,
            current =>
            {
                // Again on the fresh read: the customer may have left the caller's projects, or joined another, meanwhile.
                RequireVisible(caller, current, request.CustomerId);
                caller.RequireProfileOwnership(current);
                var displayName = request.HasDisplayName ? request.DisplayName.Trim() : current.DisplayName;
                return current with
                {
                    Address = request.HasAddress ? EmailAddress.Parse(request.Address).Value : current.Address,
                    DisplayName = displayName,
                    // Staff naming a customer gives the name, even the one they had; a customer repeating theirs does not choose it.
                    DisplayNameChosenByCustomer = request.HasDisplayName && (caller.Role != CallerRole.Customer || displayName != current.DisplayName)
                        ? caller.Role == CallerRole.Customer
                        : current.DisplayNameChosenByCustomer,
                    OrganizationId = request.HasOrganizationId ? (request.OrganizationId.Length == 0 ? null : request.OrganizationId) : current.OrganizationId,
                };
            },
            caller,
            cancellationToken);
    }

    public async Task<CustomerPage> ListAsync(Caller caller, ListCustomersRequest request, CancellationToken cancellationToken)
    {
        var projectKey = request.ProjectKey.Length == 0 ? null : request.ProjectKey;
        if (projectKey is not null)
        {
            await projects.EnsureExistsAsync(projectKey, "project_key", cancellationToken);
        }

        return await paging.ReadAsync(
            request.PageSize,
            request.PageToken,
            $"ListCustomers|{projectKey}|{caller.PagingIdentity()}",
            customer => projectKey is null || customer.ProjectKeys.Contains(projectKey),
            (after, limit) => customers.ListAsync(projectKey, after, limit, cancellationToken),
            cancellationToken);
    }

    /// <summary>
    /// An agent adds only a customer they can already see (one of their projects) to another of theirs; any other
    /// id is NOT_FOUND as an unknown one. A customer of other projects joins an agent's project by address,
    /// through CreateCustomer. A service (Ticketing, for inbound mail) may not bring a customer back to a project staff
    /// took them out of (<see cref="Customer.ProjectsLeftByStaff"/>): FAILED_PRECONDITION.
    /// </summary>
    public async Task<Customer> AddToProjectAsync(Caller caller, string customerId, string projectKey, CancellationToken cancellationToken)
    {
        await projects.EnsureExistsAsync(projectKey, "project_key", cancellationToken);
        var customer = await GetAsync(caller, customerId, cancellationToken);
        return await ChangeAsync(
            customer.Id,
            customerId,
            expectedVersion: 0,
            current =>
            {
                RequireVisible(caller, current, customerId);
                if (caller.Role != CallerRole.Service)
                {
                    return current.JoinedByStaff([projectKey]);
                }

                return current.ProjectsLeftByStaff.Contains(projectKey, StringComparer.Ordinal)
                    ? throw new PreconditionFailedException(
                        TakenOutOfProject, $"projects/{projectKey}", $"Staff took the customer out of project '{projectKey}'; only staff may add them again.")
                    : current with { ProjectKeys = Customer.SortedProjectKeys([.. current.ProjectKeys, projectKey]) };
            },
            caller,
            cancellationToken);
    }

    /// <summary>
    /// The answer is the customer's record, so an agent may remove only a customer they can see. A project that does not
    /// exist is NOT_FOUND, as in <see cref="AddToProjectAsync"/>: a mistyped key must not be answered as a removal done.
    /// </summary>
    public async Task<Customer> RemoveFromProjectAsync(Caller caller, string customerId, string projectKey, CancellationToken cancellationToken)
    {
        await projects.EnsureExistsAsync(projectKey, "project_key", cancellationToken);
        var customer = await GetAsync(caller, customerId, cancellationToken);
        return await ChangeAsync(
            customer.Id,
            customerId,
            expectedVersion: 0,
            current => RequireVisible(caller, current, customerId).ProjectKeys.Contains(projectKey, StringComparer.Ordinal)
                ? current with
                {
                    ProjectKeys = [.. current.ProjectKeys.Where(key => key != projectKey)],
                    ProjectsLeftByStaff = Customer.SortedProjectKeys([.. current.ProjectsLeftByStaff, projectKey]),
                }
                : current,
            caller,
            cancellationToken);
    }

    /// <summary>The precondition violation's type when a service may not add a customer to a project staff took them out of.</summary>
    public const string TakenOutOfProject = "TAKEN_OUT_OF_PROJECT";

    private static NotFoundException NotFound(string customerId) => new("customer", customerId, "customer_id");

    /// <summary>For a fresh read inside a change: the customer may have left the agent's projects since <see cref="GetAsync"/>.</summary>
    private static Customer RequireVisible(Caller caller, Customer customer, string shownId) =>
        caller.CanSee(customer) ? customer : throw NotFound(shownId);

    /// <summary>The customer <paramref name="customerId"/> names (<see cref="CustomerLookup"/>); to an agent only through one of their projects.</summary>
    private Task<Customer?> FindAsync(Caller caller, string customerId, CancellationToken cancellationToken) =>
        lookup.FindAsync(customerId, caller.Role == CallerRole.Agent ? caller.ProjectKeys : null, cancellationToken);

    /// <summary>A removal destroys the key in the transaction that deletes the customer, so a destroyed key is a customer removed since it was read.</summary>
    private async Task<CustomerKey> KeyOfAsync(string customerId, string shownId, CancellationToken cancellationToken)
    {
        try
        {
            return await keys.GetOrCreateForCustomerAsync(customerId, cancellationToken);
        }
        catch (CustomerKeyDestroyedException)
        {
            throw NotFound(shownId);
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> with optimistic concurrency. With an expected version (as the caller sees
    /// it: an agent's <see cref="AgentView.Version"/>), a customer at another version, or one changed between read
    /// and write, is a conflict (ABORTED); without, the change is applied again to a fresh read. A change that
    /// changes nothing keeps the version. An address taken by another customer is ALREADY_EXISTS naming that
    /// customer, except to an agent, who may not learn which customer it is. Errors name the customer by
    /// <paramref name="shownId"/>, the id the caller knows them by.
    /// </summary>
    private async Task<Customer> ChangeAsync(
        string customerId, string shownId, long expectedVersion, Func<Customer, Customer> change, Caller caller, CancellationToken cancellationToken)
    {
        CustomerKey? key = null;
        while (true)
        {
            var current = await customers.GetAsync(customerId, cancellationToken) ?? throw NotFound(shownId);
            // First: it checks what the caller may do with the customer as read now.
            var changed = change(current);
            if (expectedVersion != 0 && VersionSeenBy(caller, current, shownId) != expectedVersion)
            {
                throw new ConcurrencyConflictException("customer", shownId);
            }

            if (changed.HasSameProfileAs(current) && changed.ProjectKeys.SequenceEqual(current.ProjectKeys))
            {
                return current;
            }

            if (!changed.HasSameProfileAs(current) || changed.ProjectKeys.Except(current.ProjectKeys).Any())
            {
                await RequireNoRemovalAwaitingAsync(caller, customerId, cancellationToken);
            }

            changed = changed.StampedAfter(current, time.Now());
            key ??= await KeyOfAsync(customerId, shownId, cancellationToken);
            try
            {
                if (await customers.ReplaceAsync(changed, current.Version, [events.Prepare(CustomerEvents.Updated(changed, key))], cancellationToken) is { } stamps)
                {
                    await suggestions.ChangedAsync(changed, stamps);
                    events.WakeRelay();
                    return changed;
                }
            }
            catch (AddressTakenException taken)
            {
                await RequireNoRemovalAwaitingOfAddressOwnerAsync(caller, taken.ExistingCustomerId, cancellationToken);
                throw new AlreadyExistsException("customer", caller.Role == CallerRole.Agent ? null : taken.ExistingCustomerId, "address");
            }
            catch (AddressErasedException erased)
            {
                throw ErasedAddresses.Refusal(caller, erased.ErasureId, "address");
            }

            if (expectedVersion != 0)
            {
                throw new ConcurrencyConflictException("customer", shownId);
            }
        }
    }

    /// <summary>
    /// A customer who asked to be removed keeps the profile and projects they asked about until an admin decides: the
    /// approval removes the profile as it then is, and tombstones its address, so a change made meanwhile (by an agent
    /// of a project the customer was invited to, say) would decide what is removed and which address is refused for
    /// good. Leaving a project is still allowed. Checked before the write, not in its transaction: a request made in the
    /// same instant finds the change made (it is the customer's profile as it stands then).
    /// </summary>
    private async Task RequireNoRemovalAwaitingAsync(Caller caller, string customerId, CancellationToken cancellationToken)
    {
        if (await AwaitingRemovalAsync(customerId, cancellationToken) is { } awaiting)
        {
            throw caller.Role == CallerRole.Admin
                ? new PreconditionFailedException(
                    "REMOVAL_AWAITING_APPROVAL", $"erasures/{awaiting.Id}", $"The customer asked to be removed (erasure request '{awaiting.Id}'); approve or reject the request before changing them.")
                : new PreconditionFailedException(
                    "REMOVAL_AWAITING_APPROVAL", "erasures", "The customer asked to be removed; they cannot be changed or added to a project until an admin decides.");
        }
    }

    /// <summary>
    /// That a customer asked to be removed is not an agent's to learn of an address they typed (the customer may belong
    /// to other projects only): to an agent, the address of a customer whose removal awaits approval is refused as an
    /// erased one, which it is about to be, by every RPC that takes an address. Otherwise the answers for it would differ
    /// from those for both a live address and an erased one (an invitation refused as erased, yet ALREADY_EXISTS for
    /// another profile), and the pair would tell. Admins may see the customer, and services are granted their id.
    /// </summary>
    private async Task RequireNoRemovalAwaitingOfAddressOwnerAsync(Caller caller, string ownerId, CancellationToken cancellationToken)
    {
        if (caller.Role == CallerRole.Agent && await AwaitingRemovalAsync(ownerId, cancellationToken) is { } awaiting)
        {
            throw ErasedAddresses.Refusal(caller, awaiting.Id, "address");
        }
    }

    /// <summary>The customer's own removal request awaiting an admin's decision, if any.</summary>
    private async Task<ErasureRecord?> AwaitingRemovalAsync(string customerId, CancellationToken cancellationToken) =>
        await erasures.FindActiveForCustomerAsync(customerId, cancellationToken) is { Status: ErasureStatus.AwaitingApproval } awaiting ? awaiting : null;

    private long VersionSeenBy(Caller caller, Customer customer, string shownId) =>
        caller.Role == CallerRole.Agent ? AgentView.Of(customer, caller, scopedIds.ProjectOf(shownId)).Version : customer.Version;
}
