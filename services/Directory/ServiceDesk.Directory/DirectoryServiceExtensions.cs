using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Directory.Customers;
using ServiceDesk.Directory.Grpc;
using ServiceDesk.Directory.Keys;
using ServiceDesk.Directory.Organizations;
using ServiceDesk.Directory.Projects;
using ServiceDesk.Directory.Suggestions;
using ServiceDesk.Hosting;
using ServiceDesk.Hosting.KeyProtection;
using ServiceDesk.Hosting.Validation;
using ServiceDesk.Messaging;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Storage;

namespace ServiceDesk.Directory;

public static class DirectoryServiceExtensions
{
    public static WebApplicationBuilder AddDirectoryService(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults(ServiceNames.Directory);
        builder.AddKeyProtection();
        builder.AddServiceStorage(ServiceNames.Directory);
        builder.AddRedis(ServiceNames.Directory);
        builder.AddEventBus().AddSubscription<ProjectCreated, ProjectCreatedHandler>();
        builder.Services.AddStore<ICustomerKeyStore, LiteDbCustomerKeyStore, MongoCustomerKeyStore>();
        builder.Services.AddSingleton<CustomerKeyRewrap>();
        builder.Services.AddHostedService(services => services.GetRequiredService<CustomerKeyRewrap>());
        builder.Services.AddSingleton<ICustomerKeyProvider, LocalCustomerKeyProvider>();
        builder.Services.AddSingleton<PersonalDataSealer>();
        builder.Services.AddRequestValidators(typeof(DirectoryServiceExtensions).Assembly);
        builder.Services.AddStore<ICustomerStore, LiteDbCustomerStore, MongoCustomerStore>();
        builder.Services.AddStore<IOrganizationStore, LiteDbOrganizationStore, MongoOrganizationStore>();
        builder.Services.AddStore<IProjectStore, LiteDbProjectStore, MongoProjectStore>();
        builder.Services.AddSingleton<CustomerPaging>();
        builder.Services.AddSingleton<ProjectScopedIds>();
        builder.Services.AddSingleton<CustomerService>();
        builder.Services.AddSingleton<OrganizationService>();
        builder.Services.AddSingleton<CustomerSuggester>();
        builder.Services.AddSingleton<SuggestionIndex>();
        builder.Services.AddSingleton<SuggestionIndexFeed>();
        builder.Services.AddHostedService(services => services.GetRequiredService<SuggestionIndexFeed>());
        return builder;
    }

    public static WebApplication MapDirectoryService(this WebApplication app)
    {
        app.MapServiceDefaults();
        app.MapEventOperations();
        app.MapGrpcService<DirectoryGrpcService>();
        app.MapGrpcService<ErasureGrpcService>();
        app.MapGrpcService<CustomerKeyGrpcService>();
        return app;
    }
}
