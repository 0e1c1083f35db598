using Google.Protobuf.Reflection;
using ServiceDesk.Hosting;

namespace ServiceDesk.Robustness.Tests.BadInput;

/// <summary>Every unary RPC of the public contracts and the services that serve it, read from the compiled protos.</summary>
public static class RpcSurface
{
    public static IReadOnlyList<MethodDescriptor> ServedBy(string service) =>
    [
        .. typeof(Contracts.Identity.V1.IdentityService).Assembly.GetTypes()
            .Select(type => type.GetProperty("Descriptor")?.GetValue(null))
            .OfType<FileDescriptor>()
            .SelectMany(file => file.Services)
            .Where(descriptor => ServersOf(descriptor.File.Package).Contains(service))
            .SelectMany(descriptor => descriptor.Methods)
            .Where(method => method is { IsClientStreaming: false, IsServerStreaming: false }),
    ];

    private static string[] ServersOf(string package) => package switch
    {
        "servicedesk.identity.v1" => [ServiceNames.Identity],
        "servicedesk.directory.v1" => [ServiceNames.Directory],
        "servicedesk.ticketing.v1" => [ServiceNames.Ticketing],
        "servicedesk.notification.v1" => [ServiceNames.Notification],
        // EventOperations: every service that publishes or consumes events.
        "servicedesk.events.v1" => [.. ServiceNames.Backends],
        "servicedesk.erasure.v1" => [ServiceNames.Identity, ServiceNames.Ticketing, ServiceNames.Notification],
        _ => throw new InvalidOperationException($"No service is known to serve package {package}: say which in {nameof(RpcSurface)}."),
    };
}
