using Microsoft.Extensions.Options;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Hosting.Clients;
using ServiceDesk.Hosting.KeyProtection;
using ServiceDesk.Hosting.Validation;
using ServiceDesk.Messaging;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Notification.Customers;
using ServiceDesk.Notification.Deliveries;
using ServiceDesk.Notification.Erasure;
using ServiceDesk.Notification.Grpc;
using ServiceDesk.Notification.Sending;
using ServiceDesk.Notification.Templates;
using ServiceDesk.Notification.Tickets;
using ServiceDesk.Storage;

namespace ServiceDesk.Notification;

public static class NotificationServiceExtensions
{
    /// <summary>
    /// Needs <c>Services:ticketing</c> (tickets read with Notification's service identity), <c>Services:directory</c>
    /// (customer keys, to keep every customer's name and address for removals), <c>KeyProtection:Key</c>
    /// (page tokens), <c>Erasure:TombstonePepper</c> (the suppression list) and <c>Notification:PortalBaseUrl</c>.
    /// </summary>
    public static WebApplicationBuilder AddNotificationService(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults(ServiceNames.Notification);
        builder.AddServiceStorage(ServiceNames.Notification);
        builder.AddRedis(ServiceNames.Notification);
        builder.AddKeyProtection();
        builder.AddEventBus()
            .AddSubscription<CustomerCreated, CustomerEventsHandler>()
            .AddSubscription<CustomerUpdated, CustomerEventsHandler>()
            .AddSubscription<TicketCreated, TicketEventHandler>()
            .AddSubscription<TicketCommented, TicketEventHandler>()
            .AddSubscription<TicketStatusChanged, TicketEventHandler>()
            .AddSubscription<TicketParticipantAdded, TicketEventHandler>()
            .AddSubscription<TicketParticipantRemoved, TicketEventHandler>()
            .AddErasureParticipant<NotificationErasure>();
        builder.Services.AddOptions<NotificationOptions>().Bind(builder.Configuration.GetSection(NotificationOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddServiceClient<TicketingService.TicketingServiceClient>(builder.Configuration, ServiceNames.Ticketing);
        builder.Services.AddRequestValidators(typeof(NotificationServiceExtensions).Assembly);
        builder.Services.AddStore<IDeliveryStore, LiteDbDeliveryStore, MongoDeliveryStore>();
        builder.Services.AddStore<IKnownCustomerStore, LiteDbKnownCustomerStore, MongoKnownCustomerStore>();
        builder.Services.AddCustomerKeysFromDirectory(builder.Configuration);
        builder.Services.AddSingleton<CustomerProfiles>();
        builder.Services.AddSingleton<DeliveryLog>();
        builder.Services.AddSingleton<ProjectScopedIds>();
        builder.Services.AddSingleton<Suppression>();
        builder.Services.AddSingleton<MessageTemplates>();
        builder.Services.AddSingleton<MailMessages>();
        builder.Services.AddSingleton<PickupDirectory>();
        builder.Services.AddSingleton<DeliverySignal>();
        builder.Services.AddSingleton<IMailTransport>(provider => provider.GetRequiredService<IOptions<NotificationOptions>>().Value.Smtp.IsConfigured
            ? ActivatorUtilities.CreateInstance<SmtpMailTransport>(provider)
            : ActivatorUtilities.CreateInstance<PickupDirectoryTransport>(provider));
        builder.Services.AddHostedService<DeliverySender>();
        builder.Services.AddHostedService<DeliveryMentionBackfill>();
        return builder;
    }

    public static WebApplication MapNotificationService(this WebApplication app)
    {
        app.MapServiceDefaults();
        app.MapEventOperations();
        app.MapErasureParticipant();
        app.MapGrpcService<NotificationGrpcService>();
        return app;
    }
}
