using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Clients;
using ServiceDesk.Testing;

namespace ServiceDesk.Identity.Tests;

/// <summary>
/// Another service that trusts Identity only through its published keys (<c>Auth:Authority</c>), using the
/// shared auth API as Directory or Ticketing will: WhoAmI echoes the caller, GetProject requires project
/// access, GetCustomerKey requires the ticketing service, GetCustomer requires the customer or staff.
/// </summary>
public static class ProbeService
{
    public static ServiceApp App(string name = "probe") => new(
        name,
        "ServiceDesk.Identity.Tests",
        builder =>
        {
            builder.AddServiceDefaults(name);
            if (builder.Configuration["Services:probe"] is not null)
            {
                builder.Services.AddServiceClient<IdentityService.IdentityServiceClient>(builder.Configuration, "probe");
            }
        },
        app =>
        {
            app.MapServiceDefaults();
            app.MapGrpcService<EchoCaller>();
            app.MapGrpcService<ProjectGuard>();
            app.MapGrpcService<ServiceGuard>();
            app.MapGrpcService<CustomerGuard>();
        });

    public static Task<ServiceHost> StartAsync(ServiceHost identity, params (string Key, string? Value)[] settings) =>
        StartAsync(identity.Endpoints.HttpUri.ToString(), "probe", settings);

    public static Task<ServiceHost> StartAsync(string authority, string name, params (string Key, string? Value)[] settings)
    {
        var all = new Dictionary<string, string?> { ["Auth:Authority"] = authority, ["Auth:ClockSkew"] = "00:00:00" };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return ServiceHost.StartAsync(App(name), all);
    }

    private sealed class EchoCaller : IdentityService.IdentityServiceBase
    {
        public override Task<WhoAmIResponse> WhoAmI(WhoAmIRequest request, ServerCallContext context)
        {
            var caller = context.GetCaller().RequireAuthenticated();
            return Task.FromResult(new WhoAmIResponse
            {
                Account = caller.AccountId is null ? null : new Contracts.Identity.V1.Account
                {
                    Id = caller.AccountId,
                    Role = caller.Role switch
                    {
                        CallerRole.Admin => Role.Admin,
                        CallerRole.Agent => Role.Agent,
                        _ => Role.Customer,
                    },
                    ProjectKeys = { caller.ProjectKeys.Order() },
                    CustomerId = caller.CustomerId ?? string.Empty,
                },
                SessionId = caller.SessionId ?? string.Empty,
                ServiceName = caller.ServiceName ?? string.Empty,
                AccessTokenExpiresAt = caller.ExpiresAt is { } expiresAt ? Timestamp.FromDateTimeOffset(expiresAt) : null,
            });
        }
    }

    private sealed class ProjectGuard : TicketingService.TicketingServiceBase
    {
        public override Task<Project> GetProject(GetProjectRequest request, ServerCallContext context)
        {
            context.GetCaller().RequireProjectAccess(request.Key);
            return Task.FromResult(new Project { Key = request.Key });
        }
    }

    private sealed class ServiceGuard : CustomerKeyService.CustomerKeyServiceBase
    {
        public override Task<CustomerKey> GetCustomerKey(GetCustomerKeyRequest request, ServerCallContext context)
        {
            context.GetCaller().RequireService(ServiceNames.Ticketing);
            return Task.FromResult(new CustomerKey { KeyId = request.KeyId });
        }
    }

    private sealed class CustomerGuard : DirectoryService.DirectoryServiceBase
    {
        /// <summary>Customer c-a belongs to project HELP.</summary>
        public override Task<Customer> GetCustomer(GetCustomerRequest request, ServerCallContext context)
        {
            context.GetCaller().RequireCustomerAccess(request.CustomerId, request.CustomerId == CustomerIds.Named("c-a") ? ["HELP"] : ["ELSEWHERE"]);
            return Task.FromResult(new Customer { Id = request.CustomerId });
        }
    }
}
