using ServiceDesk.Messaging.Publishing;

namespace ServiceDesk.Notification.Sending;

/// <summary>The sender's wake-up: rung after messages are queued.</summary>
public sealed class DeliverySignal
{
    public WakeSignal Signal { get; } = new();

    public void Wake() => Signal.Wake();
}
