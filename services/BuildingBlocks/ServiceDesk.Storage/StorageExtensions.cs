using LiteDB;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using MongoDB.Driver;
using ServiceDesk.Storage.LiteDb;
using ServiceDesk.Storage.MongoDb;

namespace ServiceDesk.Storage;

public static class StorageExtensions
{
    public const string HealthCheckName = "store";

    /// <summary>
    /// Opens the service's own database, LiteDB or MongoDB as <see cref="StorageOptions"/> say, and reports
    /// it as the "store" health check. MongoDB is prepared by <see cref="MongoStartup"/> in the background: the
    /// host starts, and reports the store as unhealthy with the reason, while the server is unreachable.
    /// </summary>
    public static IHostApplicationBuilder AddServiceStorage(this IHostApplicationBuilder builder, string serviceName)
    {
        var options = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        builder.Services.AddSingleton(options);
        var health = builder.Services.AddHealthChecks();
        if (options.Backend == StorageBackend.MongoDb)
        {
            var client = new MongoClient(MongoDurability.ClientSettings(options.MongoUrl!));
            builder.Services.AddSingleton<IMongoClient>(client);
            builder.Services.AddSingleton(client.GetDatabase(options.MongoDatabase ?? $"servicedesk-{serviceName}"));
            builder.Services.TryAddSingleton(TimeProvider.System);
            builder.Services.AddSingleton<MongoStartup>();
            builder.Services.AddHostedService(provider => provider.GetRequiredService<MongoStartup>());
            health.AddCheck<MongoHealthCheck>(HealthCheckName, HealthStatus.Unhealthy);
        }
        else
        {
            builder.Services.AddSingleton(_ => LiteDbFiles.Open(options, serviceName));
            health.AddCheck<LiteDbHealthCheck>(HealthCheckName, HealthStatus.Unhealthy);
        }

        return builder;
    }

    /// <summary>
    /// Registers <typeparamref name="TStore"/> as its LiteDB or its MongoDB implementation, whichever backend
    /// <see cref="AddServiceStorage"/> selected, and only that one: the other could not be built (its database is
    /// not registered), and ValidateOnBuild (Development) would refuse the container. The implementation is also
    /// registered as itself, for stores that write through another in one transaction.
    /// </summary>
    public static IServiceCollection AddStore<TStore, TLiteDbStore, TMongoStore>(this IServiceCollection services)
        where TStore : class
        where TLiteDbStore : class, TStore
        where TMongoStore : class, TStore, IMongoStore
    {
        if (services.SelectedBackend() == StorageBackend.MongoDb)
        {
            foreach (var index in TMongoStore.Indexes)
            {
                services.AddSingleton(index);
            }

            services.AddSingleton<TMongoStore>();
            services.AddSingleton<TStore>(provider => provider.GetRequiredService<TMongoStore>());
        }
        else
        {
            services.AddSingleton<TLiteDbStore>();
            services.AddSingleton<TStore>(provider => provider.GetRequiredService<TLiteDbStore>());
        }

        return services;
    }

    private static StorageBackend SelectedBackend(this IServiceCollection services) =>
        services.LastOrDefault(descriptor => descriptor.ServiceType == typeof(StorageOptions))?.ImplementationInstance is StorageOptions options
            ? options.Backend
            : throw new InvalidOperationException($"Call {nameof(AddServiceStorage)} before registering stores: it selects their backend.");
}
