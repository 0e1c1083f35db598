using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Hosting.Clients;
using ServiceDesk.Hosting.KeyProtection;
using ServiceDesk.Hosting.Validation;
using ServiceDesk.Messaging;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Storage;
using ServiceDesk.Ticketing.Customers;
using ServiceDesk.Ticketing.Erasure;
using ServiceDesk.Ticketing.Grpc;
using ServiceDesk.Ticketing.Mail;
using ServiceDesk.Ticketing.Projects;
using ServiceDesk.Ticketing.Tickets;

namespace ServiceDesk.Ticketing;

public static class TicketingServiceExtensions
{
    /// <summary>
    /// Needs <c>Services:directory</c> (customers and their keys, read with Ticketing's service identity) and
    /// <c>KeyProtection:Key</c> (page tokens and Message-ID hashes use keys derived from it) and
    /// <c>Erasure:TombstonePepper</c> (erased addresses).
    /// </summary>
    public static WebApplicationBuilder AddTicketingService(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults(ServiceNames.Ticketing);
        builder.AddServiceStorage(ServiceNames.Ticketing);
        builder.AddRedis(ServiceNames.Ticketing);
        builder.AddKeyProtection();
        builder.AddEventBus()
            .AddSubscription<CustomerCreated, CustomerEventsHandler>()
            .AddSubscription<CustomerUpdated, CustomerEventsHandler>()
            .AddErasureParticipant<TicketingErasure>();
        builder.Services.AddCustomerKeysFromDirectory(builder.Configuration);
        builder.Services.AddSingleton<CustomerProfiles>();
        builder.Services.AddServiceClient<DirectoryService.DirectoryServiceClient>(builder.Configuration, ServiceNames.Directory);
        builder.Services.AddOptions<TicketingOptions>().Bind(builder.Configuration.GetSection(TicketingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddRequestValidators(typeof(TicketingServiceExtensions).Assembly);
        builder.Services.AddStore<IProjectStore, LiteDbProjectStore, MongoProjectStore>();
        builder.Services.AddStore<ITicketStore, LiteDbTicketStore, MongoTicketStore>();
        builder.Services.AddStore<ICustomerSnapshotStore, LiteDbCustomerSnapshotStore, MongoCustomerSnapshotStore>();
        builder.Services.AddHostedService<MentionIndexBackfill>();
        builder.Services.AddSingleton<DirectoryCustomers>();
        builder.Services.AddSingleton<TicketingScope>();
        builder.Services.AddSingleton<Paging>();
        builder.Services.AddSingleton<ProjectService>();
        builder.Services.AddSingleton<TicketService>();
        builder.Services.AddSingleton<TicketMessages>();
        builder.Services.AddSingleton<ProjectScopedIds>();
        builder.Services.AddSingleton<MessageIds>();
        builder.Services.AddSingleton<MailIntake>();
        return builder;
    }

    public static WebApplication MapTicketingService(this WebApplication app)
    {
        app.MapServiceDefaults();
        app.MapEventOperations();
        app.MapGrpcService<TicketingGrpcService>();
        app.MapErasureParticipant();
        return app;
    }
}
