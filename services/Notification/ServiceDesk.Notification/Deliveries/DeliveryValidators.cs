using ServiceDesk.Contracts.Notification.V1;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Notification.Deliveries;

internal sealed class ListDeliveriesValidator : IRequestValidator<ListDeliveriesRequest>
{
    public void Validate(ListDeliveriesRequest request, FieldViolations violations)
    {
        violations.Id("ticket_id", request.TicketId, required: false);
        violations.Id("recipient_customer_id", request.RecipientCustomerId, required: false);
        violations.Range("page_size", request.PageSize, 0, DeliveryLog.MaxPageSize);
        violations.MaxLength("page_token", request.PageToken, Ids.MaxPageTokenLength);
    }
}
