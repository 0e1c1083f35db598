using ServiceDesk.Contracts.Notification.V1;
using ServiceDesk.Gateway.Backends;

namespace ServiceDesk.Gateway.Api;

/// <summary>The address travels in the body, never in a URL.</summary>
public sealed record SuppressionCheckBody(string? Address);

public sealed record SuppressionResource(bool Suppressed);

/// <summary>Deliveries and the suppression list (Notification).</summary>
internal static class NotificationEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var notifications = api.MapGroup(string.Empty).WithTags("Notifications");
        notifications.MapGet("/deliveries", ListDeliveriesAsync).WithSummary("Notifications sent or queued, by ticket or recipient, a page at a time");
        notifications.MapPost("/suppressions/check", IsSuppressedAsync).WithSummary("Whether notifications to an address are suppressed");
    }

    private static async Task<IResult> ListDeliveriesAsync(
        string? ticketId, string? recipientCustomerId, int? pageSize, string? pageToken, NotificationService.NotificationServiceClient notification, BackendCall call)
    {
        var page = await notification.ListDeliveriesAsync(
            new ListDeliveriesRequest
            {
                TicketId = ticketId ?? string.Empty,
                RecipientCustomerId = recipientCustomerId ?? string.Empty,
                PageSize = pageSize ?? 0,
                PageToken = pageToken ?? string.Empty,
            },
            await call.AsUserAsync());
        return Results.Ok(new Page<DeliveryResource>([.. page.Deliveries.Select(DeliveryResource.From)], page.NextPageToken));
    }

    private static async Task<IResult> IsSuppressedAsync(SuppressionCheckBody body, NotificationService.NotificationServiceClient notification, BackendCall call) =>
        Results.Ok(new SuppressionResource((await notification.IsSuppressedAsync(new IsSuppressedRequest { Address = body.Address ?? string.Empty }, await call.AsUserAsync())).Suppressed));
}
