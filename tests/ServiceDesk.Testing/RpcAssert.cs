using Google.Rpc;
using Grpc.Core;
using Xunit;

namespace ServiceDesk.Testing;

/// <summary>Assertions on the gRPC status of a call and its google.rpc details.</summary>
public static class RpcAssert
{
    public static async Task<RpcException> FailsAsync<T>(StatusCode expected, Func<AsyncUnaryCall<T>> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => call().ResponseAsync);
        Assert.Equal(expected, error.StatusCode);
        return error;
    }

    public static IReadOnlyList<string> Fields(this RpcException error) =>
        [.. error.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.Select(violation => violation.Field) ?? []];

    /// <summary>OK, or the status the call failed with.</summary>
    public static async Task<StatusCode> StatusOfAsync(Func<Task> call)
    {
        try
        {
            await call();
            return StatusCode.OK;
        }
        catch (RpcException error)
        {
            return error.StatusCode;
        }
    }

    public static string? ResourceName(this RpcException error) => error.GetRpcStatus()?.GetDetail<ResourceInfo>()?.ResourceName;

    /// <summary>The error's google.rpc details, unpacked, as text: two refusals compare detail by detail.</summary>
    public static string DetailsText(this RpcException error) =>
        string.Join("\n", error.GetRpcStatus()?.Details.Select(detail =>
            detail.Is(ResourceInfo.Descriptor) ? detail.Unpack<ResourceInfo>().ToString()
            : detail.Is(BadRequest.Descriptor) ? detail.Unpack<BadRequest>().ToString()
            : detail.Is(ErrorInfo.Descriptor) ? detail.Unpack<ErrorInfo>().ToString()
            : detail.TypeUrl) ?? []);
}
