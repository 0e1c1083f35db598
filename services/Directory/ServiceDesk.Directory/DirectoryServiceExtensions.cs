using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Contracts.Erasure.V1;
using ServiceDesk.Directory.Customers;
using ServiceDesk.Directory.Erasure;
using ServiceDesk.Directory.Grpc;
using ServiceDesk.Directory.Keys;
using ServiceDesk.Directory.Organizations;
using ServiceDesk.Directory.Projects;
using ServiceDesk.Directory.Suggestions;
using ServiceDesk.Hosting;
using ServiceDesk.Hosting.Clients;
using ServiceDesk.Hosting.KeyProtection;
using ServiceDesk.Hosting.Paging;
using ServiceDesk.Hosting.Startup;
using ServiceDesk.Hosting.Validation;
using ServiceDesk.Messaging;
using ServiceDesk.Messaging.Erasure;
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
        builder.AddEventBus()
            .AddSubscription<ProjectCreated, ProjectCreatedHandler>()
            .AddSubscription<ErasureReceipt, ErasureReceiptHandler>();
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
        builder.Services.AddSingleton<CustomerLookup>();
        builder.Services.AddSingleton<CustomerService>();
        builder.Services.AddSingleton<OrganizationService>();
        builder.Services.AddSingleton<CustomerSuggester>();
        builder.Services.AddSingleton<SuggestionIndex>();
        builder.Services.AddSingleton<SuggestionIndexFeed>();
        builder.Services.AddHostedService(services => services.GetRequiredService<SuggestionIndexFeed>());
        builder.AddErasureCoordinator();
        return builder;
    }

    /// <summary>The removal protocol's coordinator: requests, tombstones, receipts, preview, evidence, the overdue gauge.</summary>
    private static void AddErasureCoordinator(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(ErasureSettings.From(builder.Configuration));
        builder.Services.AddSingleton(TombstonePepper.FromConfiguration(builder.Configuration));
        builder.Services.AddStore<IErasureStore, LiteDbErasureStore, MongoErasureStore>();
        builder.Services.AddSingleton(services => new PageTokens(services.GetRequiredService<KeyWrapper>(), "servicedesk.directory erasure page tokens"));
        builder.Services.AddSingleton<ErasedAddresses>();
        builder.Services.AddSingleton<ErasureCoordinator>();
        builder.Services.AddSingleton<EvidenceSigner>();
        builder.Services.AddSingleton<RemovalPreviewer>();
        builder.Services.AddHostedService<OverdueErasures>();
        builder.Services.AddSingleton<ErasureHistory>();
        builder.Services.AddSingleton<RemovalReplay>();
        builder.Services.AddHostedService(services => services.GetRequiredService<RemovalReplay>());
        // A restored store must not serve the customers it removed.
        builder.Services.AddStartupGate<RemovalReplay>(RemovalReplay.HealthCheckName, "applying removals missing from the store again");
        // A participant without an address is reported as unreachable by the preview, not a start-up failure:
        // the removal itself travels through Redis and needs no address.
        foreach (var participant in RemovalPreviewer.RemoteParticipants.Where(participant => builder.Configuration[$"Services:{participant}"] is { Length: > 0 }))
        {
            builder.Services.AddServiceClient<ErasureParticipantService.ErasureParticipantServiceClient>(builder.Configuration, participant, clientName: participant);
        }
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
