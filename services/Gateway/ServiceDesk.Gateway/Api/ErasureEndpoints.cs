using System.Buffers.Text;
using System.Text.Json;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Gateway.Backends;
using ServiceDesk.Gateway.Problems;
using ServiceDesk.Gateway.Sessions;

namespace ServiceDesk.Gateway.Api;

public sealed record RemoveCustomerBody(string? CustomerId, string? Mode, string? Reason, string? SuccessorCustomerId);

/// <summary>The removal's mode; optional, as is the whole body (anonymize when left out).</summary>
public sealed record ModeBody(string? Mode);

/// <summary>A decision's reason code: a rejection's or a reinstatement's.</summary>
public sealed record ReasonBody(string? Reason);

/// <summary>
/// The signed evidence of a removal: the document as JSON, the signature base64url, and the public half of Directory's
/// evidence key, to pin once; <c>servicedesk-ops verify-evidence</c> checks this download as saved.
/// </summary>
public sealed record EvidenceResource(JsonElement Document, string Signature, string Algorithm, string KeyId, string PublicKeyPem);

/// <summary>Customer removal (Directory's ErasureService).</summary>
internal static class ErasureEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var erasures = api.MapGroup("/erasures").WithTags("Erasures");
        erasures.MapPost("/", RemoveAsync).WithSummary("Remove a customer (admin): tombstones at once, every service erases its copy");
        erasures.MapGet("/", ListAsync)
            .WithSummary("Removal requests, newest first, optionally by status, overdue (past their due date, not complete) and participantOverdue (a service pending past its timeout), a page at a time (a customer: their own)")
            .AllowsEndedCustomerSessions();
        erasures.MapGet("/{erasureId}", GetAsync).WithSummary("One removal request with each service's progress").AllowsEndedCustomerSessions();
        erasures.MapPost("/{erasureId}/retry", RetryAsync).WithSummary("Send the command again to the services that failed or have not answered");
        erasures.MapPost("/{erasureId}/approval", ApproveAsync).WithSummary("Approve a customer's own removal request (admin)");
        erasures.MapPost("/{erasureId}/rejection", RejectAsync).WithSummary("Reject a customer's own removal request, with a reason the customer sees (admin)");
        erasures.MapPost("/{erasureId}/reinstatement", ReinstateAsync)
            .WithSummary("Lift a removal's tombstones, with a reason: its addresses may belong to a customer again, in every service (admin)");
        erasures.MapGet("/{erasureId}/evidence", EvidenceAsync).WithSummary("The signed evidence document, as a download");

        api.MapPost("/customers/{customerId}/removal-preview", PreviewAsync).WithTags("Erasures")
            .WithSummary("What removing the customer would do in each service, without changing anything (admin)");
        api.MapPost("/me/removal-request", RequestOwnRemovalAsync).WithTags("Erasures")
            .WithSummary("A customer asks for their own data to be removed; an admin approves it");
    }

    private static async Task<IResult> RemoveAsync(RemoveCustomerBody body, ErasureService.ErasureServiceClient erasures, BackendCall call)
    {
        if (!ApiEnum<ErasureMode>.TryParse(body.Mode, out var mode))
        {
            return GrpcProblems.Invalid("mode", $"must be one of {ApiEnum<ErasureMode>.Names}");
        }

        if (!ApiEnum<ErasureReason>.TryParse(body.Reason, out var reason))
        {
            return GrpcProblems.Invalid("reason", $"must be one of {ApiEnum<ErasureReason>.Names}");
        }

        var request = await erasures.RemoveCustomerAsync(
            new RemoveCustomerRequest
            {
                CustomerId = body.CustomerId ?? string.Empty,
                Mode = mode,
                Reason = reason,
                SuccessorCustomerId = body.SuccessorCustomerId ?? string.Empty,
            },
            await call.AsUserAsync());
        return Results.Accepted($"/api/v1/erasures/{request.Id}", ErasureResource.From(request));
    }

    private static async Task<IResult> ListAsync(
        string? status, bool? overdue, bool? participantOverdue, int? pageSize, string? pageToken, ErasureService.ErasureServiceClient erasures, BackendCall call)
    {
        if (!ApiEnum<ErasureStatus>.TryParse(status, out var parsed))
        {
            return GrpcProblems.Invalid("status", $"must be one of {ApiEnum<ErasureStatus>.Names}");
        }

        var page = await erasures.ListErasuresAsync(
            new ListErasuresRequest
            {
                Status = parsed, Overdue = overdue ?? false, ParticipantOverdue = participantOverdue ?? false, PageSize = pageSize ?? 0, PageToken = pageToken ?? string.Empty,
            },
            await call.AsUserAsync());
        return Results.Ok(new Page<ErasureResource>([.. page.Erasures.Select(ErasureResource.From)], page.NextPageToken));
    }

    private static async Task<IResult> GetAsync(string erasureId, ErasureService.ErasureServiceClient erasures, BackendCall call) =>
        Results.Ok(ErasureResource.From(await erasures.GetErasureAsync(new GetErasureRequest { ErasureId = erasureId }, await call.AsUserAsync())));

    private static async Task<IResult> RetryAsync(string erasureId, ErasureService.ErasureServiceClient erasures, BackendCall call) =>
        Results.Ok(ErasureResource.From(await erasures.RetryErasureAsync(new RetryErasureRequest { ErasureId = erasureId }, await call.AsUserAsync())));

    private static async Task<IResult> ApproveAsync(string erasureId, ErasureService.ErasureServiceClient erasures, BackendCall call) =>
        Results.Ok(ErasureResource.From(await erasures.ApproveErasureAsync(new ApproveErasureRequest { ErasureId = erasureId }, await call.AsUserAsync())));

    private static async Task<IResult> RejectAsync(string erasureId, ReasonBody body, ErasureService.ErasureServiceClient erasures, BackendCall call)
    {
        if (!ApiEnum<RejectionReason>.TryParse(body.Reason, out var reason))
        {
            return GrpcProblems.Invalid("reason", $"must be one of {ApiEnum<RejectionReason>.Names}");
        }

        return Results.Ok(ErasureResource.From(
            await erasures.RejectErasureAsync(new RejectErasureRequest { ErasureId = erasureId, Reason = reason }, await call.AsUserAsync())));
    }

    private static async Task<IResult> ReinstateAsync(string erasureId, ReasonBody body, ErasureService.ErasureServiceClient erasures, BackendCall call)
    {
        if (!ApiEnum<ReinstatementReason>.TryParse(body.Reason, out var reason))
        {
            return GrpcProblems.Invalid("reason", $"must be one of {ApiEnum<ReinstatementReason>.Names}");
        }

        return Results.Ok(ErasureResource.From(
            await erasures.ReinstateAddressAsync(new ReinstateAddressRequest { ErasureId = erasureId, Reason = reason }, await call.AsUserAsync())));
    }

    private static async Task<IResult> EvidenceAsync(string erasureId, ErasureService.ErasureServiceClient erasures, BackendCall call, HttpContext http)
    {
        var evidence = await erasures.ExportErasureEvidenceAsync(new ExportErasureEvidenceRequest { ErasureId = erasureId }, await call.AsUserAsync());
        using var document = JsonDocument.Parse(evidence.Document.Memory);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"erasure-{SafeFileName(erasureId)}-evidence.json\"";
        return Results.Ok(new EvidenceResource(document.RootElement.Clone(), Base64Url.EncodeToString(evidence.Signature.Span), evidence.Algorithm, evidence.KeyId, evidence.PublicKeyPem));
    }

    private static async Task<IResult> PreviewAsync(string customerId, ModeBody? body, ErasureService.ErasureServiceClient erasures, BackendCall call)
    {
        if (!ApiEnum<ErasureMode>.TryParse(body?.Mode, out var mode))
        {
            return GrpcProblems.Invalid("mode", $"must be one of {ApiEnum<ErasureMode>.Names}");
        }

        return Results.Ok(RemovalPreviewResource.From(await erasures.PreviewRemovalAsync(new PreviewRemovalRequest { CustomerId = customerId, Mode = mode }, await call.AsUserAsync())));
    }

    private static async Task<IResult> RequestOwnRemovalAsync(ModeBody? body, ErasureService.ErasureServiceClient erasures, BackendCall call)
    {
        if (!ApiEnum<ErasureMode>.TryParse(body?.Mode, out var mode))
        {
            return GrpcProblems.Invalid("mode", $"must be one of {ApiEnum<ErasureMode>.Names}");
        }

        var request = await erasures.RequestOwnRemovalAsync(new RequestOwnRemovalRequest { Mode = mode }, await call.AsUserAsync());
        return Results.Accepted($"/api/v1/erasures/{request.Id}", ErasureResource.From(request));
    }

    private static string SafeFileName(string id) => string.Concat(id.Where(character => char.IsAsciiLetterOrDigit(character) || character is '-' or '_'));
}
