using ServiceDesk.Hosting;
using ServiceDesk.Hosting.Validation;
using ServiceDesk.Messaging;
using ServiceDesk.Storage;
using ServiceDesk.Identity.Grpc;

namespace ServiceDesk.Identity;

public static class IdentityServiceExtensions
{
    public static WebApplicationBuilder AddIdentityService(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults(ServiceNames.Identity);
        builder.AddServiceStorage(ServiceNames.Identity);
        builder.AddRedis(ServiceNames.Identity);
        builder.AddEventBus();
        builder.Services.AddRequestValidators(typeof(IdentityServiceExtensions).Assembly);
        return builder;
    }

    public static WebApplication MapIdentityService(this WebApplication app)
    {
        app.MapServiceDefaults();
        app.MapEventOperations();
        app.MapGrpcService<IdentityGrpcService>();
        return app;
    }
}
