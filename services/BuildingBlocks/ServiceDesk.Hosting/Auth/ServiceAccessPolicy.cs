using Google.Protobuf.Reflection;
using Grpc.Core;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Erasure.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting.Errors;

namespace ServiceDesk.Hosting.Auth;

/// <summary>
/// Least privilege for service identities: which service may call which RPC of another service. A service token
/// is not an admin token: an RPC not granted here is PERMISSION_DENIED to every service identity, and a granted
/// one then applies the RPC's own rules with the service in the admin's place. The gateway calls with the user's
/// token, and the operator's command line with an admin's, so neither needs a grant. The README's "Service
/// identities" table is this table.
/// </summary>
public static class ServiceAccessPolicy
{
    public static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> Grants = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
    {
        // Inbound mail: find or create the sender's profile and make them a member of the project written to;
        // unseal the personal data in customer events.
        [ServiceNames.Ticketing] = Rpcs(
            (DirectoryService.Descriptor, nameof(DirectoryService.DirectoryServiceBase.CreateCustomer)),
            (DirectoryService.Descriptor, nameof(DirectoryService.DirectoryServiceBase.GetCustomer)),
            (DirectoryService.Descriptor, nameof(DirectoryService.DirectoryServiceBase.AddToProject)),
            (CustomerKeyService.Descriptor, nameof(CustomerKeyService.CustomerKeyServiceBase.GetCustomerKey))),
        // Unseal the addresses and names in the events it delivers; read the ticket and project an event names
        // to write its message.
        [ServiceNames.Notification] = Rpcs(
            (CustomerKeyService.Descriptor, nameof(CustomerKeyService.CustomerKeyServiceBase.GetCustomerKey)),
            (TicketingService.Descriptor, nameof(TicketingService.TicketingServiceBase.GetTicket)),
            (TicketingService.Descriptor, nameof(TicketingService.TicketingServiceBase.GetProject))),
        [ServiceNames.Identity] = Rpcs(),
        // The coordinator of customer removals asks each participant for the dry run of its part.
        [ServiceNames.Directory] = Rpcs(
            (ErasureParticipantService.Descriptor, nameof(ErasureParticipantService.ErasureParticipantServiceBase.PreviewErasure))),
        [ServiceNames.Gateway] = Rpcs(),
    };

    /// <summary>Whether the service may call the RPC, by its gRPC path ("/package.Service/Method", as <see cref="ServerCallContext.Method"/>).</summary>
    public static bool Allows(string serviceName, string method) => Grants.TryGetValue(serviceName, out var granted) && granted.Contains(method);

    /// <summary>
    /// The caller (<see cref="CallContextExtensions.GetCaller"/>), where a service identity must be granted this
    /// RPC by <see cref="Grants"/> (PERMISSION_DENIED otherwise). Account callers pass unchanged, for the
    /// handler's own rules.
    /// </summary>
    public static Caller GetCallerWithinServicePolicy(this ServerCallContext context)
    {
        var caller = context.GetCaller();
        return caller.Role != CallerRole.Service || Allows(caller.ServiceName!, context.Method)
            ? caller
            : throw new PermissionDeniedException($"The service '{caller.ServiceName}' is not granted {context.Method}.");
    }

    private static IReadOnlySet<string> Rpcs(params (ServiceDescriptor Service, string Method)[] rpcs) =>
        rpcs.Select(rpc => rpc.Service.FindMethodByName(rpc.Method) is { } method
                ? $"/{rpc.Service.FullName}/{method.Name}"
                : throw new InvalidOperationException($"{rpc.Service.FullName} has no RPC {rpc.Method}."))
            .ToHashSet(StringComparer.Ordinal);
}
