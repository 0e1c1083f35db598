using Google.Rpc;
using Grpc.Core;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Hosting.KeyProtection;

namespace ServiceDesk.Ticketing.Customers;

/// <summary>Reads customers from Directory under Ticketing's service identity.</summary>
public sealed class DirectoryCustomers(DirectoryService.DirectoryServiceClient directory, ICustomerSnapshotStore snapshots, ProjectScopedIds scopedIds)
{
    /// <summary>
    /// The customer as Directory describes them now, kept as their snapshot (unless a newer one arrived
    /// meanwhile by event): for customers a ticket is about to refer to.
    /// </summary>
    public async Task<CustomerSnapshot> SnapshotAsync(string customerId, string requestField, CancellationToken cancellationToken)
    {
        var customer = await ReadAsync(customerId, requestField, cancellationToken);
        await snapshots.SaveIfNewerAsync(customer, createIfMissing: true, cancellationToken);
        return customer;
    }

    /// <summary>
    /// As <see cref="SnapshotAsync"/> for a customer who must be one of the project's; nothing is kept otherwise.
    /// Ticketing reads under its own identity, to which Directory maps every id: for an agent the answer is narrowed to
    /// what Directory would tell them (<paramref name="agentProjects"/>): an id scoped to a project not theirs, or a
    /// customer of none of their projects, is NOT_FOUND as an unknown id.
    /// </summary>
    /// <param name="agentProjects">The projects of the agent who named the customer; null for other callers.</param>
    /// <exception cref="PreconditionFailedException">
    /// MEMBERSHIP, naming the customer by <paramref name="customerId"/> as the caller did: Directory answers
    /// Ticketing with the customer's own id, which an agent, who knows customers by ids scoped to a project, may not learn.
    /// </exception>
    public async Task<CustomerSnapshot> SnapshotOfMemberAsync(
        string customerId, string projectKey, IReadOnlySet<string>? agentProjects, string requestField, string role, CancellationToken cancellationToken)
    {
        if (agentProjects is not null && scopedIds.ProjectOf(customerId) is { } scopedTo && !agentProjects.Contains(scopedTo))
        {
            throw new NotFoundException("customer", customerId, requestField);
        }

        var customer = await ReadAsync(customerId, requestField, cancellationToken);
        if (agentProjects is not null && !customer.ProjectKeys.Any(agentProjects.Contains))
        {
            throw new NotFoundException("customer", customerId, requestField);
        }

        if (!customer.ProjectKeys.Contains(projectKey))
        {
            throw new PreconditionFailedException("MEMBERSHIP", $"customer/{customerId}", $"The {role} is not a customer of project '{projectKey}'.");
        }

        await snapshots.SaveIfNewerAsync(customer, createIfMissing: true, cancellationToken);
        return customer;
    }

    /// <summary>The customer as Directory describes them now; nothing is kept.</summary>
    /// <exception cref="NotFoundException">Directory knows no such customer; the error names <paramref name="requestField"/>.</exception>
    /// <exception cref="UnavailableException">Directory cannot be reached or refuses Ticketing.</exception>
    public async Task<CustomerSnapshot> ReadAsync(string customerId, string requestField, CancellationToken cancellationToken) =>
        await CallAsync(() => directory.GetCustomerAsync(new GetCustomerRequest { CustomerId = customerId }, cancellationToken: cancellationToken).ResponseAsync)
            ?? throw new NotFoundException("customer", customerId, requestField);

    /// <summary>The customer with the address, kept as their snapshot; null when Directory has none.</summary>
    public async Task<CustomerSnapshot?> FindByAddressAsync(string address, CancellationToken cancellationToken) =>
        await KeepAsync(
            await CallAsync(() => directory.FindCustomerByAddressAsync(new FindCustomerByAddressRequest { Address = address }, cancellationToken: cancellationToken).ResponseAsync),
            cancellationToken);

    /// <summary>
    /// A new customer of the project with the address, kept as their snapshot; the existing one when the address
    /// was taken meanwhile (not joined to the project: see <see cref="JoinProjectAsync"/>).
    /// </summary>
    /// <returns>Null when Directory refuses the address because it was erased.</returns>
    public async Task<CustomerSnapshot?> CreateAsync(string address, string displayName, string projectKey, CancellationToken cancellationToken)
    {
        var request = new CreateCustomerRequest { Address = address, DisplayName = displayName, ProjectKeys = { projectKey } };
        try
        {
            return await KeepAsync(await CallAsync(() => directory.CreateCustomerAsync(request, cancellationToken: cancellationToken).ResponseAsync), cancellationToken);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.AlreadyExists
            && exception.GetRpcStatus()?.GetDetail<ResourceInfo>()?.ResourceName is { Length: > 0 } existingId)
        {
            return await SnapshotAsync(existingId, "from", cancellationToken);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.FailedPrecondition)
        {
            return null;
        }
    }

    /// <summary>Makes the customer a member of the project in Directory, kept as their snapshot.</summary>
    /// <returns>
    /// No customer when Directory will not add them: staff took them out of the project (<c>TakenOutByStaff</c>), their
    /// removal awaits an admin's approval (or their address was erased), or they were removed since they were looked up.
    /// </returns>
    public async Task<(CustomerSnapshot? Joined, bool TakenOutByStaff)> JoinProjectAsync(string customerId, string projectKey, CancellationToken cancellationToken)
    {
        try
        {
            return (await KeepAsync(
                await CallAsync(() => directory.AddToProjectAsync(new AddToProjectRequest { CustomerId = customerId, ProjectKey = projectKey }, cancellationToken: cancellationToken).ResponseAsync),
                cancellationToken), false);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.FailedPrecondition)
        {
            return (null, exception.GetRpcStatus()?.GetDetail<PreconditionFailure>()?.Violations.Any(violation => violation.Type == TakenOutOfProject) == true);
        }
    }

    /// <summary>Directory's precondition type for a customer staff took out of the project (its <c>AddToProject</c>).</summary>
    private const string TakenOutOfProject = "TAKEN_OUT_OF_PROJECT";

    private async Task<CustomerSnapshot?> KeepAsync(CustomerSnapshot? customer, CancellationToken cancellationToken)
    {
        if (customer is not null)
        {
            await snapshots.SaveIfNewerAsync(customer, createIfMissing: true, cancellationToken);
        }

        return customer;
    }

    /// <returns>Null when Directory answers NOT_FOUND for the customer.</returns>
    /// <exception cref="UnavailableException">Directory cannot be reached, refuses Ticketing, or does not know the project yet.</exception>
    /// <exception cref="RateLimitedException">Directory is overloaded (RESOURCE_EXHAUSTED with its RetryInfo).</exception>
    private static async Task<CustomerSnapshot?> CallAsync(Func<Task<Customer>> call)
    {
        Customer customer;
        try
        {
            customer = await call();
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound
            && exception.GetRpcStatus()?.GetDetail<ResourceInfo>()?.ResourceType == "project")
        {
            // Projects are Ticketing's: Directory learns of one from ProjectCreated, which may still be on its way.
            throw new UnavailableException("Directory does not know the project yet; try again later.");
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.ResourceExhausted)
        {
            // Directory is overloaded: the caller gets the same answer and delay, not UNAVAILABLE.
            var delay = exception.GetRpcStatus()?.GetDetail<RetryInfo>()?.RetryDelay?.ToTimeSpan() ?? TimeSpan.FromSeconds(1);
            throw new RateLimitedException("Directory is serving all the calls it can at once; retry after the delay in RetryInfo.", delay);
        }
        catch (RpcException exception) when (exception.StatusCode is not (StatusCode.Cancelled or StatusCode.AlreadyExists or StatusCode.FailedPrecondition))
        {
            throw new UnavailableException($"Directory did not answer for the customer ({exception.StatusCode}); try again later.");
        }

        return new CustomerSnapshot(customer.Id, customer.DisplayName, customer.Address, [.. customer.ProjectKeys], customer.Version);
    }
}
