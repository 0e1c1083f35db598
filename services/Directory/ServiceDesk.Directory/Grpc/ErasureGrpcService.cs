using Grpc.Core;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Directory.Erasure;
using ServiceDesk.Hosting.Auth;

namespace ServiceDesk.Directory.Grpc;

/// <summary>
/// The v1 erasure API. Requests are validated before a handler runs (ErasureValidators); no service identity is
/// granted any of these RPCs, and the rules on accounts (admins; a customer for their own request) are in
/// <see cref="ErasureCoordinator"/>.
/// </summary>
public sealed class ErasureGrpcService(
    ErasureCoordinator coordinator, RemovalPreviewer previewer, EvidenceSigner evidence, ErasureSettings settings, TimeProvider time)
    : ErasureService.ErasureServiceBase
{
    public override async Task<ErasureRequest> RemoveCustomer(RemoveCustomerRequest request, ServerCallContext context) =>
        Message(await coordinator.RemoveCustomerAsync(context.GetCallerWithinServicePolicy(), request, context.CancellationToken));

    public override Task<RemovalPreview> PreviewRemoval(PreviewRemovalRequest request, ServerCallContext context) =>
        previewer.PreviewAsync(context.GetCallerWithinServicePolicy(), request, context.CancellationToken);

    public override async Task<ErasureRequest> GetErasure(GetErasureRequest request, ServerCallContext context)
    {
        var caller = context.GetCallerWithinServicePolicy();
        return Message(await coordinator.GetAsync(caller, request.ErasureId, context.CancellationToken), caller);
    }

    public override async Task<ListErasuresResponse> ListErasures(ListErasuresRequest request, ServerCallContext context)
    {
        var caller = context.GetCallerWithinServicePolicy();
        var (erasures, nextPageToken) = await coordinator.ListAsync(caller, request, context.CancellationToken);
        return new ListErasuresResponse { Erasures = { erasures.Select(record => Message(record, caller)) }, NextPageToken = nextPageToken };
    }

    public override async Task<ErasureRequest> RetryErasure(RetryErasureRequest request, ServerCallContext context) =>
        Message(await coordinator.RetryAsync(context.GetCallerWithinServicePolicy(), request.ErasureId, context.CancellationToken));

    public override async Task<ErasureEvidence> ExportErasureEvidence(ExportErasureEvidenceRequest request, ServerCallContext context)
    {
        var caller = context.GetCallerWithinServicePolicy().RequireAdmin();
        var record = await coordinator.GetAsync(caller, request.ErasureId, context.CancellationToken);
        return (await evidence.ExportAsync(record, context.CancellationToken)).ToMessage();
    }

    public override async Task<ErasureRequest> RequestOwnRemoval(RequestOwnRemovalRequest request, ServerCallContext context)
    {
        var caller = context.GetCallerWithinServicePolicy();
        return Message(await coordinator.RequestOwnRemovalAsync(caller, request, context.CancellationToken), caller);
    }

    public override async Task<ErasureRequest> ApproveErasure(ApproveErasureRequest request, ServerCallContext context) =>
        Message(await coordinator.ApproveAsync(context.GetCallerWithinServicePolicy(), request.ErasureId, context.CancellationToken));

    public override async Task<ErasureRequest> RejectErasure(RejectErasureRequest request, ServerCallContext context) =>
        Message(await coordinator.RejectAsync(context.GetCallerWithinServicePolicy(), request.ErasureId, request.Reason, context.CancellationToken));

    public override async Task<ErasureRequest> ReinstateAddress(ReinstateAddressRequest request, ServerCallContext context) =>
        Message(await coordinator.ReinstateAddressAsync(context.GetCallerWithinServicePolicy(), request.ErasureId, request.Reason, context.CancellationToken));

    private ErasureRequest Message(ErasureRecord record) => record.ToMessage(time.GetUtcNow(), settings.ParticipantTimeout);

    private ErasureRequest Message(ErasureRecord record, Caller caller) =>
        caller.Role == CallerRole.Customer ? Message(record).ForCustomer(caller.AccountId) : Message(record);
}
