using System.Threading.RateLimiting;
using Grpc.Core;
using Grpc.Core.Interceptors;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Hosting.HealthChecks;

namespace ServiceDesk.Hosting.Overload;

/// <summary>
/// Serves at most <see cref="OverloadOptions.MaxConcurrentCalls"/> calls at once, queues up to
/// <see cref="OverloadOptions.QueueLimit"/> more (oldest first, each until its deadline), and refuses the rest at
/// once with <see cref="RateLimitedException"/> (RESOURCE_EXHAUSTED with RetryInfo, the gateway's 429 with
/// Retry-After): a burst costs the callers a retry, not the replica its memory or every call its deadline. Health
/// checks and reflection are never limited, so a busy replica still answers its probes and is not restarted.
/// Registered inside the error mapping and before token validation, so a refused call costs no signature check.
/// </summary>
public sealed class ConcurrencyLimitInterceptor(OverloadOptions options, OverloadMetrics metrics) : Interceptor, IDisposable
{
    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.MaxConcurrentCalls,
        QueueLimit = options.QueueLimit,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        using var lease = await AcquireAsync(context);
        return await continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var lease = await AcquireAsync(context);
        await continuation(request, responseStream, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var lease = await AcquireAsync(context);
        return await continuation(requestStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var lease = await AcquireAsync(context);
        await continuation(requestStream, responseStream, context);
    }

    public void Dispose() => _limiter.Dispose();

    private async ValueTask<IDisposable?> AcquireAsync(ServerCallContext context)
    {
        if (ProbeMethods.Includes(context.Method))
        {
            return null;
        }

        var lease = await _limiter.AcquireAsync(1, context.CancellationToken);
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        metrics.Rejected(context.Method);
        throw new RateLimitedException("This service is serving all the calls it can at once; retry after the delay in RetryInfo.", options.RetryAfter);
    }
}
