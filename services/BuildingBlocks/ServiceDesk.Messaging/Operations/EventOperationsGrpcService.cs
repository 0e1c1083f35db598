using Grpc.Core;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Validation;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Messaging.Consuming;

namespace ServiceDesk.Messaging.Operations;

/// <summary>The operator's view of the event streams and the re-drive command, served by every service; admins and services only.</summary>
public sealed class EventOperationsGrpcService(EventCatalog catalog, EventBacklog backlog, DeadLetters deadLetters) : EventOperations.EventOperationsBase
{
    public const int DefaultRedriveLimit = 100;

    public override async Task<ListEventBacklogResponse> ListEventBacklog(ListEventBacklogRequest request, ServerCallContext context)
    {
        context.GetCaller().RequireAdmin();
        var families = string.IsNullOrEmpty(request.Family) ? catalog.Families : [FamilyOrThrow(request.Family)];
        return new ListEventBacklogResponse { Groups = { await backlog.ReadAsync(families) } };
    }

    public override async Task<RedriveDeadLettersResponse> RedriveDeadLetters(RedriveDeadLettersRequest request, ServerCallContext context)
    {
        context.GetCaller().RequireAdmin();
        var family = FamilyOrThrow(request.Family);
        var (redriven, failed) = await deadLetters.RedriveAsync(family.Name, request.Limit == 0 ? DefaultRedriveLimit : request.Limit, context.CancellationToken);
        return new RedriveDeadLettersResponse { Redriven = redriven, Failed = failed };
    }

    private EventFamily FamilyOrThrow(string name) =>
        catalog.Find(name) ?? throw new Hosting.Errors.ValidationException("family", $"must be one of: {string.Join(", ", catalog.Families.Select(f => f.Name))}");
}

internal sealed class RedriveDeadLettersValidator : IRequestValidator<RedriveDeadLettersRequest>
{
    public void Validate(RedriveDeadLettersRequest request, FieldViolations violations)
    {
        violations.Required("family", request.Family);
        violations.Range("limit", request.Limit, 0, 1000);
    }
}
