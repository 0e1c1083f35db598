using ServiceDesk.Hosting;
using ServiceDesk.Hosting.Validation;
using ServiceDesk.Messaging;
using ServiceDesk.Storage;
using ServiceDesk.Ticketing.Grpc;

namespace ServiceDesk.Ticketing;

public static class TicketingServiceExtensions
{
    public static WebApplicationBuilder AddTicketingService(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults(ServiceNames.Ticketing);
        builder.AddServiceStorage(ServiceNames.Ticketing);
        builder.AddRedis(ServiceNames.Ticketing);
        builder.AddEventBus();
        builder.Services.AddRequestValidators(typeof(TicketingServiceExtensions).Assembly);
        return builder;
    }

    public static WebApplication MapTicketingService(this WebApplication app)
    {
        app.MapServiceDefaults();
        app.MapEventOperations();
        app.MapGrpcService<TicketingGrpcService>();
        return app;
    }
}
