using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServiceDesk.Hosting;
using ServiceDesk.Messaging.Catalog;

namespace ServiceDesk.Messaging.Consuming;

/// <summary>Runs one <see cref="StreamConsumer"/> per family this service subscribes to.</summary>
internal sealed class EventConsumerService(IServiceProvider services, EventDispatcher dispatcher, EventCatalog catalog, ServiceInfo service, IOptions<MessagingOptions> options)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var families = dispatcher.Subscriptions.Select(s => catalog.FamilyOf(s.EventType)).Distinct().ToList();
        foreach (var family in families.Where(f => !f.Subscribers.Contains(service.Name)))
        {
            throw new InvalidOperationException(
                $"{service.Name} handles events of family '{family.Name}' but the event catalog does not list it as a subscriber, so its consumer group would not be created before the first event.");
        }

        var consumerName = options.Value.ResolveInstanceName(Environment.GetEnvironmentVariable("POD_NAME"));
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger<StreamConsumer>();
        var consumers = families.Select(family => ActivatorUtilities.CreateInstance<StreamConsumer>(services, family, consumerName, options.Value, logger));
        return Task.WhenAll(consumers.Select(c => c.RunAsync(stoppingToken)));
    }
}
