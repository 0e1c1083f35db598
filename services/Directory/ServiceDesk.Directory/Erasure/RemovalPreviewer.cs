using Grpc.Core;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Erasure.V1;
using ServiceDesk.Directory.Customers;
using ServiceDesk.Hosting;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Errors;
using DirectoryErasureMode = ServiceDesk.Contracts.Directory.V1.ErasureMode;
using EventErasureMode = ServiceDesk.Contracts.Events.V1.ErasureMode;

namespace ServiceDesk.Directory.Erasure;

/// <summary>
/// What a removal would touch, per service, changing nothing: Directory's own counts, and each other
/// participant's answer to PreviewErasure, asked in parallel with Directory's service identity. A service that
/// cannot be asked gives an entry with the reason in <c>error</c>; the call itself does not fail.
/// </summary>
public sealed class RemovalPreviewer(
    CustomerLookup customers, ErasedAddresses tombstones, IServiceProvider services, IConfiguration configuration, ILogger<RemovalPreviewer> logger)
{
    /// <summary>The participants asked over gRPC, each through the client of that name (<c>Services:&lt;name&gt;</c>).</summary>
    public static readonly IReadOnlyList<string> RemoteParticipants = [ServiceNames.Identity, ServiceNames.Ticketing, ServiceNames.Notification];

    public async Task<RemovalPreview> PreviewAsync(Caller caller, PreviewRemovalRequest request, CancellationToken cancellationToken)
    {
        caller.RequireAdmin();
        var customer = await customers.FindAsync(request.CustomerId, withinProjects: null, cancellationToken) ?? throw new NotFoundException("customer", request.CustomerId, "customer_id");
        var formerAddresses = await tombstones.FormerAddressesToTombstoneAsync(customer, cancellationToken);
        var question = new PreviewErasureRequest
        {
            CustomerId = customer.Id,
            Mode = request.Mode == DirectoryErasureMode.Purge ? EventErasureMode.Purge : EventErasureMode.Anonymize,
            AddressHash = tombstones.HashOf(customer.Address),
            FormerAddressHashes = { formerAddresses.Select(former => former.Hash) },
        };
        var remote = await Task.WhenAll(RemoteParticipants.Select(service => AskAsync(service, question, cancellationToken)));
        var own = new ServiceImpact
        {
            Service = ServiceNames.Directory,
            Counts =
            {
                ["profiles_deleted"] = 1,
                ["memberships_deleted"] = customer.ProjectKeys.Count,
                ["customer_keys_destroyed"] = 1,
                ["addresses_tombstoned"] = 1 + formerAddresses.Count,
            },
        };
        return new RemovalPreview { CustomerId = customer.Id, Impacts = { remote.Take(1), own, remote.Skip(1) } };
    }

    private async Task<ServiceImpact> AskAsync(string service, PreviewErasureRequest question, CancellationToken cancellationToken)
    {
        if (configuration[$"Services:{service}"] is not { Length: > 0 })
        {
            return new ServiceImpact { Service = service, Error = $"Services:{service} is not configured: the service could not be asked" };
        }

        try
        {
            // Resolved here: the client factory exists only when some participant has an address.
            var answer = await services.GetRequiredService<GrpcClientFactory>().CreateClient<ErasureParticipantService.ErasureParticipantServiceClient>(service)
                .PreviewErasureAsync(question, cancellationToken: cancellationToken);
            return new ServiceImpact { Service = service, Counts = { answer.Counts } };
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The status code only: a detail from elsewhere is not ours to pass on.
            var reason = exception is RpcException rpc ? rpc.StatusCode.ToString() : exception.GetType().Name;
            logger.LogWarning("Erasure preview: {Service} could not be asked ({Reason})", service, reason);
            return new ServiceImpact { Service = service, Error = $"{reason}: the service could not be asked" };
        }
    }
}
