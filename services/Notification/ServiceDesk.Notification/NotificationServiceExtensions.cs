using ServiceDesk.Hosting;
using ServiceDesk.Hosting.Validation;
using ServiceDesk.Messaging;
using ServiceDesk.Storage;
using ServiceDesk.Notification.Grpc;

namespace ServiceDesk.Notification;

public static class NotificationServiceExtensions
{
    public static WebApplicationBuilder AddNotificationService(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults(ServiceNames.Notification);
        builder.AddServiceStorage(ServiceNames.Notification);
        builder.AddRedis(ServiceNames.Notification);
        builder.AddEventBus();
        builder.Services.AddRequestValidators(typeof(NotificationServiceExtensions).Assembly);
        return builder;
    }

    public static WebApplication MapNotificationService(this WebApplication app)
    {
        app.MapServiceDefaults();
        app.MapEventOperations();
        app.MapGrpcService<NotificationGrpcService>();
        return app;
    }
}
