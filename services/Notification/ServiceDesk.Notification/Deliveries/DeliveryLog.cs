using Google.Protobuf.WellKnownTypes;
using ServiceDesk.Contracts.Notification.V1;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Hosting.KeyProtection;
using ServiceDesk.Hosting.Paging;
using DeliveryMessage = ServiceDesk.Contracts.Notification.V1.Delivery;

namespace ServiceDesk.Notification.Deliveries;

/// <summary>
/// The delivery log as callers may see it: admins every delivery; agents those of their projects; customers
/// only the messages sent to them (another customer's id is PERMISSION_DENIED). Filters only narrow that
/// scope, so a ticket or customer outside it answers an empty page, exactly as an unknown one. A page token is
/// the previous page's last position encrypted and authenticated (AES-256-GCM under a key derived from
/// <c>KeyProtection:Key</c>, the shared <see cref="PageTokens"/>) together with the caller and the query: a token
/// that was altered, or issued to another caller or for another query, is INVALID_ARGUMENT. Agents know
/// customers by ids scoped to a project (<see cref="ProjectScopedIds"/>): they filter by those and are answered
/// with those, never with a customer's own id.
/// </summary>
public sealed class DeliveryLog(IDeliveryStore deliveries, KeyWrapper keys, ProjectScopedIds scopedIds)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    private readonly PageTokens _tokens = new(keys, "servicedesk.notification page tokens");

    public async Task<ListDeliveriesResponse> ListAsync(Caller caller, ListDeliveriesRequest request, CancellationToken cancellationToken)
    {
        caller.RequireRole(CallerRole.Admin, CallerRole.Agent, CallerRole.Customer);
        var size = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        var scope = $"{caller.PagingIdentity()}\n{request.TicketId}\n{request.RecipientCustomerId}\n{size}";
        var before = request.PageToken.Length == 0 ? null : PositionOf(request.PageToken, scope);
        var found = await ProjectScopedIds.FirstFoundAsync(
            RecipientsNamedBy(caller, Optional(request.RecipientCustomerId)),
            recipient => deliveries.ListAsync(
                new DeliveryQuery(Optional(request.TicketId), recipient, caller.Role == CallerRole.Agent ? caller.ProjectKeys : null, before, size + 1),
                cancellationToken));

        var page = found.Take(size).ToList();
        return new ListDeliveriesResponse
        {
            Deliveries = { page.Select(delivery => ToMessage(delivery, caller)) },
            NextPageToken = found.Count > size ? _tokens.Issue(page[^1].ListOrder, scope) : string.Empty,
        };
    }

    /// <summary>
    /// The customer ids the filter may stand for: a customer's own, whatever they sent; an id scoped to a project opened
    /// for admins and the project's agents (to others it names nobody); null for no filter.
    /// </summary>
    private IReadOnlyList<string?> RecipientsNamedBy(Caller caller, string? recipient)
    {
        if (caller.Role == CallerRole.Customer)
        {
            return [caller.RequireSelfOrStaff(recipient ?? caller.CustomerId ?? string.Empty).CustomerId];
        }

        return recipient is not null && scopedIds.TryOpen(recipient, out var project, out var candidates) && (caller.Role != CallerRole.Agent || caller.ProjectKeys.Contains(project))
            ? [.. candidates]
            : [recipient];
    }

    private string PositionOf(string pageToken, string scope) =>
        _tokens.PositionOf(pageToken, scope)
            ?? throw new ValidationException("page_token", "is not a token from a previous response to this caller and query");

    private static string? Optional(string value) => value.Length == 0 ? null : value;

    private DeliveryMessage ToMessage(Delivery delivery, Caller caller)
    {
        var recipient = caller.Role == CallerRole.Agent && ProjectScopedIds.IsCustomerId(delivery.RecipientCustomerId)
            ? scopedIds.For(delivery.RecipientCustomerId, delivery.ProjectKey)
            : delivery.RecipientCustomerId;
        return new()
        {
            Id = delivery.IdSeenWith(recipient),
            TicketId = delivery.TicketId,
            ProjectKey = delivery.ProjectKey,
            RecipientCustomerId = recipient,
            RecipientAddress = delivery.RecipientAddress,
            Template = delivery.Template,
            Status = delivery.Status,
            CreatedAt = Timestamp.FromDateTimeOffset(delivery.CreatedAt),
            SentAt = delivery.SentAt is { } sentAt ? Timestamp.FromDateTimeOffset(sentAt) : null,
        };
    }
}
