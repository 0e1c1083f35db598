using Grpc.Core;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Hosting.Errors;

namespace ServiceDesk.Ticketing.Customers;

/// <summary>Reads customers from Directory under Ticketing's service identity.</summary>
public sealed class DirectoryCustomers(DirectoryService.DirectoryServiceClient directory, ICustomerSnapshotStore snapshots)
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

    /// <summary>The customer as Directory describes them now; nothing is kept.</summary>
    /// <exception cref="NotFoundException">Directory knows no such customer; the error names <paramref name="requestField"/>.</exception>
    /// <exception cref="UnavailableException">Directory cannot be reached or refuses Ticketing.</exception>
    public async Task<CustomerSnapshot> ReadAsync(string customerId, string requestField, CancellationToken cancellationToken)
    {
        Customer customer;
        try
        {
            customer = await directory.GetCustomerAsync(new GetCustomerRequest { CustomerId = customerId }, cancellationToken: cancellationToken);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            throw new NotFoundException("customer", customerId, requestField);
        }
        catch (RpcException exception) when (exception.StatusCode != StatusCode.Cancelled)
        {
            throw new UnavailableException($"Directory did not answer for the customer ({exception.StatusCode}); try again later.");
        }

        return new CustomerSnapshot(customer.Id, customer.DisplayName, customer.Address, [.. customer.ProjectKeys], customer.Version);
    }
}
