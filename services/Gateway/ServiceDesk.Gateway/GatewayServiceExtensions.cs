using Grpc.Health.V1;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ServiceDesk.Gateway.HealthChecks;
using ServiceDesk.Hosting;
using ServiceDesk.Hosting.Clients;

namespace ServiceDesk.Gateway;

public static class GatewayServiceExtensions
{
    public static WebApplicationBuilder AddGatewayService(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults(ServiceNames.Gateway);
        var health = builder.Services.AddHealthChecks();
        foreach (var backend in ServiceNames.Backends)
        {
            builder.Services.AddServiceClient<Health.HealthClient>(builder.Configuration, backend, BackendHealthCheck.ClientName(backend));
            health.Add(new HealthCheckRegistration(
                backend,
                provider => ActivatorUtilities.CreateInstance<BackendHealthCheck>(provider, backend),
                HealthStatus.Unhealthy,
                tags: null));
        }

        return builder;
    }

    public static WebApplication MapGatewayService(this WebApplication app)
    {
        app.MapServiceDefaults();
        return app;
    }
}
