using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ServiceDesk.Testing;

/// <summary>
/// Adds the host's logged errors to an INTERNAL or UNKNOWN answer's detail, so a test that fails on one names the
/// exception behind it: the status a caller gets says nothing of it, by design.
/// </summary>
public sealed class HostErrorsOnFailure(CapturedLogs logs) : Interceptor
{
    private const int MostLines = 10;

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, context);
        return new AsyncUnaryCall<TResponse>(
            WithHostErrorsAsync(call.ResponseAsync),
            call.ResponseHeadersAsync,
            call.GetStatus,
            call.GetTrailers,
            call.Dispose);
    }

    private async Task<TResponse> WithHostErrorsAsync<TResponse>(Task<TResponse> response)
    {
        try
        {
            return await response;
        }
        catch (RpcException exception) when (exception.StatusCode is StatusCode.Internal or StatusCode.Unknown)
        {
            var errors = logs.Lines.Where(line => line.Contains("\"level\":\"Error\"", StringComparison.Ordinal) || line.Contains("\"level\":\"Critical\"", StringComparison.Ordinal))
                .TakeLast(MostLines);
            throw new RpcException(
                new Status(exception.StatusCode, $"{exception.Status.Detail}\nThe host's last logged errors:\n{string.Join('\n', errors)}", exception.Status.DebugException),
                exception.Trailers);
        }
    }
}
