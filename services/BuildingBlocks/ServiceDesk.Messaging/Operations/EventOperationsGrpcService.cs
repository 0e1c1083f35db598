using System.Globalization;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Hosting.Validation;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Messaging.Consuming;

namespace ServiceDesk.Messaging.Operations;

/// <summary>The operator's view of the event streams, the re-drive and the discard commands, served by every service; admins only.</summary>
public sealed partial class EventOperationsGrpcService(
    EventCatalog catalog, EventBacklog backlog, DeadLetters deadLetters, ServiceInfo service, ILogger<EventOperationsGrpcService> logger) : EventOperations.EventOperationsBase
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

    public override async Task<DiscardDeadLetterResponse> DiscardDeadLetter(DiscardDeadLetterRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller().RequireAdmin();
        var family = FamilyOrThrow(request.Family);
        var (found, refusal) = await deadLetters.DiscardAsync(family.Name, request.EntryId, context.CancellationToken);
        if (!found)
        {
            throw new NotFoundException("dead letter", request.EntryId, "entry_id");
        }

        if (refusal is null)
        {
            throw new PreconditionFailedException(
                "AUTHENTIC_EVENT", $"{family.Name}/{request.EntryId}", "The dead letter is an authentic event its handler failed on: fix the cause and re-drive it.");
        }

        LogDiscarded(family.Name, service.Name, request.EntryId, refusal, caller.AccountId);
        return new DiscardDeadLetterResponse { Reason = refusal };
    }

    private EventFamily FamilyOrThrow(string name) =>
        catalog.Find(name) ?? throw new ValidationException("family", $"must be one of: {string.Join(", ", catalog.Families.Select(f => f.Name))}");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead letter of entry {EntryId} of {Family} in group {Group} discarded by admin {AccountId}: {Reason}")]
    private partial void LogDiscarded(string family, string group, string entryId, string reason, string? accountId);
}

internal sealed class RedriveDeadLettersValidator : IRequestValidator<RedriveDeadLettersRequest>
{
    public void Validate(RedriveDeadLettersRequest request, FieldViolations violations)
    {
        violations.Required("family", request.Family);
        violations.Range("limit", request.Limit, 0, 1000);
    }
}

internal sealed class DiscardDeadLetterValidator : IRequestValidator<DiscardDeadLetterRequest>
{
    public void Validate(DiscardDeadLetterRequest request, FieldViolations violations)
    {
        violations.Required("family", request.Family);
        if (!IsStreamId(request.EntryId))
        {
            violations.Add("entry_id", "must be a stream entry id: milliseconds-sequence, e.g. 1733560000000-0");
        }
    }

    private static bool IsStreamId(string value) =>
        value.Split('-') is [var milliseconds, var sequence]
        && ulong.TryParse(milliseconds, NumberStyles.None, CultureInfo.InvariantCulture, out _)
        && ulong.TryParse(sequence, NumberStyles.None, CultureInfo.InvariantCulture, out _);
}
