using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using ServiceDesk.Hosting;
using ServiceDesk.Hosting.Validation;
using ServiceDesk.Messaging.Authenticity;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Inbox;
using ServiceDesk.Messaging.Operations;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Storage;

namespace ServiceDesk.Messaging;

public static class EventBusExtensions
{
    /// <summary>
    /// Reliable integration events for this service: the outbox and its relay (publishing), a consumer per
    /// subscribed family (consuming), the inbox of handled event ids, dead letters, backlog metrics and the
    /// EventOperations gRPC service. Needs the service defaults (its name), <see cref="RedisExtensions.AddRedis"/>, the
    /// service's storage, its <c>Messaging:SigningKey</c> and the publishers' <c>Messaging:PublisherKeys</c> (see
    /// <see cref="EventAuthenticator"/>).
    /// </summary>
    public static EventBusBuilder AddEventBus(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<MessagingOptions>().Bind(builder.Configuration.GetSection(MessagingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(EventCatalog.Default);
        // Read here, not on first use: a missing or malformed key stops the start, naming the setting; a publisher of
        // the catalog without keys stops it as the hosted services are made.
        var keys = EventAuthenticator.ReadKeys(builder.Configuration);
        services.AddSingleton(provider => new EventAuthenticator(keys, provider.GetRequiredService<EventCatalog>(), provider.GetRequiredService<ServiceInfo>().Name));
        services.AddSingleton<EventStreams>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<IntegrationEvents>();
        services.AddSingleton<EventDispatcher>();
        services.AddSingleton<DeadLetters>();
        services.AddSingleton<EventBacklog>();
        services.AddSingleton<MessagingMetrics>();
        services.AddSingleton<EventLoopHealth>();
        services.AddHealthChecks().AddCheck<EventLoopHealth>(EventLoopHealth.HealthCheckName);
        services.AddStore<IOutboxStore, LiteDbOutboxStore, MongoOutboxStore>();
        services.AddStore<IInboxStore, LiteDbInboxStore, MongoInboxStore>();
        services.AddSingleton<IRequestValidator<Contracts.Events.V1.RedriveDeadLettersRequest>, RedriveDeadLettersValidator>();
        services.AddSingleton<IRequestValidator<Contracts.Events.V1.DiscardDeadLetterRequest>, DiscardDeadLetterValidator>();
        services.AddHostedService<OutboxRelay>();
        services.AddHostedService<EventConsumerService>();
        return new EventBusBuilder(services);
    }

    public static WebApplication MapEventOperations(this WebApplication app)
    {
        app.MapGrpcService<EventOperationsGrpcService>();
        return app;
    }
}

/// <summary>Declares what this service handles: <c>.AddSubscription&lt;CustomerCreated, CustomerCreatedHandler&gt;()</c>.</summary>
public sealed class EventBusBuilder(IServiceCollection services)
{
    /// <summary>For extensions that register a subscription together with what it needs.</summary>
    public IServiceCollection Services => services;

    public EventBusBuilder AddSubscription<TEvent, THandler>()
        where TEvent : class, IMessage<TEvent>, new()
        where THandler : class, IIntegrationEventHandler<TEvent>
    {
        services.AddScoped<THandler>();
        services.AddSingleton<IEventSubscription, EventSubscription<TEvent, THandler>>();
        return this;
    }
}
