using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ServiceDesk.Messaging.Erasure;

/// <summary>
/// Runs a service's unary calls one at a time while a customer removal is applied here (<see cref="ErasurePrecedence"/>).
/// Added per service, after the shared interceptors: a call waits for its turn only once authenticated and valid, and
/// until its deadline at most.
/// </summary>
public sealed class ErasurePrecedenceInterceptor(ErasurePrecedence precedence) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        using var turn = await precedence.TakeTurnAsync(context.CancellationToken);
        return await continuation(request, context);
    }
}
