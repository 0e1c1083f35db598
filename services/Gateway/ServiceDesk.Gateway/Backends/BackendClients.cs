using Grpc.Core;
using Grpc.Net.Client.Configuration;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Notification.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Hosting.Clients;

namespace ServiceDesk.Gateway.Backends;

public static class BackendClients
{
    /// <summary>
    /// Reads that a retry cannot repeat any effect of. Writes are never retried: an UNAVAILABLE after the
    /// server received a write does not say whether it was applied.
    /// </summary>
    private static readonly (string Service, string[] Methods)[] RetriedReads =
    [
        (IdentityService.Descriptor.FullName, ["WhoAmI"]),
        (DirectoryService.Descriptor.FullName, ["GetCustomer", "ListCustomers", "ListOrganizationMembers", "SuggestCustomers"]),
        (ErasureService.Descriptor.FullName, ["PreviewRemoval", "GetErasure", "ListErasures", "ExportErasureEvidence"]),
        (TicketingService.Descriptor.FullName, ["GetProject", "ListProjects", "GetTicket", "ListTickets"]),
        (NotificationService.Descriptor.FullName, ["ListDeliveries", "IsSuppressed"]),
    ];

    /// <summary>
    /// Typed clients of the four services, with the shared deadlines and retries of transient failures on reads.
    /// Calls carry the user's token, never the gateway's own: that one (with <c>Auth:ServiceSecret</c>) only vouches
    /// for the client address a sign-in forwards (<see cref="BackendCall.SignInAsync"/>).
    /// </summary>
    public static IServiceCollection AddBackendClients(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddServiceClient<IdentityService.IdentityServiceClient>(configuration, ServiceNames.Identity, withServiceToken: false).ConfigureChannel(WithReadRetries);
        services.AddServiceClient<DirectoryService.DirectoryServiceClient>(configuration, ServiceNames.Directory, withServiceToken: false).ConfigureChannel(WithReadRetries);
        services.AddServiceClient<ErasureService.ErasureServiceClient>(configuration, ServiceNames.Directory, withServiceToken: false).ConfigureChannel(WithReadRetries);
        services.AddServiceClient<TicketingService.TicketingServiceClient>(configuration, ServiceNames.Ticketing, withServiceToken: false).ConfigureChannel(WithReadRetries);
        services.AddServiceClient<NotificationService.NotificationServiceClient>(configuration, ServiceNames.Notification, withServiceToken: false).ConfigureChannel(WithReadRetries);
        services.AddServiceTokenProvider(configuration);
        services.AddHttpContextAccessor();
        services.AddScoped<BackendCall>();
        return services;
    }

    private static void WithReadRetries(Grpc.Net.Client.GrpcChannelOptions channel)
    {
        var config = new MethodConfig
        {
            RetryPolicy = new RetryPolicy
            {
                MaxAttempts = 3,
                InitialBackoff = TimeSpan.FromMilliseconds(100),
                MaxBackoff = TimeSpan.FromSeconds(1),
                BackoffMultiplier = 2,
                RetryableStatusCodes = { StatusCode.Unavailable },
            },
        };
        foreach (var (service, methods) in RetriedReads)
        {
            foreach (var method in methods)
            {
                config.Names.Add(new MethodName { Service = service, Method = method });
            }
        }

        channel.ServiceConfig ??= new ServiceConfig();
        channel.ServiceConfig.MethodConfigs.Add(config);
    }
}
