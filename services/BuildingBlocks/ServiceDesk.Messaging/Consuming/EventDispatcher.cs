using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.Inbox;

namespace ServiceDesk.Messaging.Consuming;

/// <summary>
/// Runs this service's handler for one event exactly once as far as the service's store can tell: an event
/// id recorded as handled is skipped, and the id is recorded with the handler's state change (when the handler
/// records it in its transaction) or else after the handler returned.
/// </summary>
public sealed class EventDispatcher(IEnumerable<IEventSubscription> subscriptions, IServiceScopeFactory scopes, IInboxStore inbox)
{
    private readonly Dictionary<string, IEventSubscription> _byType = subscriptions.ToDictionary(s => s.EventType.FullName);

    public IReadOnlyCollection<IEventSubscription> Subscriptions => _byType.Values;

    public async Task<DispatchOutcome> DispatchAsync(EventEnvelope envelope, EventContext context, CancellationToken cancellationToken)
    {
        if (!_byType.TryGetValue(Any.GetTypeName(envelope.Payload.TypeUrl), out var subscription))
        {
            return DispatchOutcome.NotSubscribed;
        }

        if (await inbox.IsHandledAsync(envelope.EventId, cancellationToken))
        {
            return DispatchOutcome.AlreadyHandled;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await subscription.DispatchAsync(scope.ServiceProvider, envelope, context, cancellationToken);
        }
        catch (EventAlreadyHandledException)
        {
            // Another replica's delivery committed its effect first; this one rolled back.
            return DispatchOutcome.AlreadyHandled;
        }

        if (!context.RecordedByHandler)
        {
            await inbox.MarkHandledAsync(envelope.EventId, context.Family, cancellationToken);
        }

        return DispatchOutcome.Handled;
    }

    public static EventEnvelope? TryParse(byte[]? bytes)
    {
        if (bytes is null)
        {
            return null;
        }

        try
        {
            var envelope = EventEnvelope.Parser.ParseFrom(bytes);
            return string.IsNullOrEmpty(envelope.EventId) || envelope.Payload is null ? null : envelope;
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }
}

public enum DispatchOutcome
{
    Handled,
    AlreadyHandled,
    NotSubscribed,
}
