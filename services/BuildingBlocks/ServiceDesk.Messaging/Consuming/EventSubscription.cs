using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Events.V1;

namespace ServiceDesk.Messaging.Consuming;

/// <summary>One event type this service handles, and how to hand it to its handler.</summary>
public interface IEventSubscription
{
    MessageDescriptor EventType { get; }

    Task DispatchAsync(IServiceProvider services, EventEnvelope envelope, EventContext context, CancellationToken cancellationToken);
}

internal sealed class EventSubscription<TEvent, THandler> : IEventSubscription
    where TEvent : class, IMessage<TEvent>, new()
    where THandler : IIntegrationEventHandler<TEvent>
{
    public MessageDescriptor EventType { get; } = new TEvent().Descriptor;

    public Task DispatchAsync(IServiceProvider services, EventEnvelope envelope, EventContext context, CancellationToken cancellationToken) =>
        services.GetRequiredService<THandler>().HandleAsync(envelope.Payload.Unpack<TEvent>(), context, cancellationToken);
}
