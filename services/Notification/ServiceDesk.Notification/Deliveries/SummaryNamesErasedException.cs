namespace ServiceDesk.Notification.Deliveries;

/// <summary>
/// A delivery's ticket summary names a removed customer, found in its own transaction: a removal recorded the name
/// after the letter was written. Nothing of it is stored; it is written again without the summary.
/// </summary>
public sealed class SummaryNamesErasedException(string deliveryId) : Exception("The letter's ticket summary names a removed customer.")
{
    public string DeliveryId { get; } = deliveryId;
}
