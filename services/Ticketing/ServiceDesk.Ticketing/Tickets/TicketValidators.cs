using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Ticketing.Tickets;

internal static class StatusRules
{
    public static void Status(this FieldViolations violations, string field, TicketStatus status, bool required)
    {
        if (status == TicketStatus.Unspecified ? required : !Enum.IsDefined(status))
        {
            violations.Add(field, "must be one of OPEN, IN_PROGRESS, WAITING_FOR_CUSTOMER, RESOLVED, CLOSED");
        }
    }
}

internal sealed class CreateTicketValidator : IRequestValidator<CreateTicketRequest>
{
    public void Validate(CreateTicketRequest request, FieldViolations violations)
    {
        violations.ProjectKey("project_key", request.ProjectKey);
        violations.Id("reporter_customer_id", request.ReporterCustomerId, required: false);
        violations.DisplayText("summary", request.Summary, Ticket.MaxSummaryLength);
        violations.ReadableLines("description", request.Description, Ticket.MaxDescriptionLength, required: false);
    }
}

internal sealed class GetTicketValidator : IRequestValidator<GetTicketRequest>
{
    public void Validate(GetTicketRequest request, FieldViolations violations) => violations.TicketId("ticket_id", request.TicketId);
}

internal sealed class ListTicketsValidator : IRequestValidator<ListTicketsRequest>
{
    public void Validate(ListTicketsRequest request, FieldViolations violations)
    {
        violations.ProjectKey("project_key", request.ProjectKey);
        violations.Status("status", request.Status, required: false);
        violations.Id("reporter_customer_id", request.ReporterCustomerId, required: false);
        violations.Range("page_size", request.PageSize, 0, Paging.MaxPageSize);
        violations.MaxLength("page_token", request.PageToken, Ids.MaxPageTokenLength);
    }
}

internal sealed class AddParticipantValidator : IRequestValidator<AddParticipantRequest>
{
    public void Validate(AddParticipantRequest request, FieldViolations violations)
    {
        violations.TicketId("ticket_id", request.TicketId);
        violations.Id("customer_id", request.CustomerId);
    }
}

internal sealed class RemoveParticipantValidator : IRequestValidator<RemoveParticipantRequest>
{
    public void Validate(RemoveParticipantRequest request, FieldViolations violations)
    {
        violations.TicketId("ticket_id", request.TicketId);
        violations.Id("customer_id", request.CustomerId);
    }
}

internal sealed class AddCommentValidator : IRequestValidator<AddCommentRequest>
{
    public void Validate(AddCommentRequest request, FieldViolations violations)
    {
        violations.TicketId("ticket_id", request.TicketId);
        violations.ReadableLines("body", request.Body, Ticket.MaxCommentLength);
    }
}

internal sealed class ChangeStatusValidator : IRequestValidator<ChangeStatusRequest>
{
    public void Validate(ChangeStatusRequest request, FieldViolations violations)
    {
        violations.TicketId("ticket_id", request.TicketId);
        violations.Status("status", request.Status, required: true);
    }
}
