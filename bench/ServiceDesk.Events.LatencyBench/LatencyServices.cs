using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Messaging;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Storage;
using ServiceDesk.Testing;

namespace ServiceDesk.Events.LatencyBench;

/// <summary>A publisher and a consumer built from the real building blocks, on one "probe" family.</summary>
public static class LatencyServices
{
    public const string Publisher = "publisher";
    public const string Consumer = "consumer";

    private static readonly EventCatalog Catalog = new([new EventFamily("probe", [ProjectCreated.Descriptor], Publishers: [Publisher], Subscribers: [Consumer])]);

    public static ServiceApp Service(string name) => new(
        name,
        "ServiceDesk.Events.LatencyBench",
        builder =>
        {
            builder.AddServiceDefaults(name);
            builder.AddServiceStorage(name);
            builder.AddRedis(name);
            builder.Services.AddSingleton(Catalog);
            builder.Services.AddSingleton<HandledSignals>();
            var bus = builder.AddEventBus();
            if (name == Consumer)
            {
                bus.AddSubscription<ProjectCreated, SignallingHandler>();
            }
        },
        app => app.MapServiceDefaults());
}

public sealed class SignallingHandler(HandledSignals signals) : IIntegrationEventHandler<ProjectCreated>
{
    public Task HandleAsync(ProjectCreated message, EventContext context, CancellationToken cancellationToken)
    {
        signals.Handled(message.ProjectKey);
        return Task.CompletedTask;
    }
}
