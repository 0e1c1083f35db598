using Grpc.Core;
using Grpc.Core.Interceptors;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Hosting.HealthChecks;

namespace ServiceDesk.Hosting.Startup;

/// <summary>A start-up step the service's calls wait for, saying what the service is still doing meanwhile.</summary>
public sealed record GatingStep(StartupStep Step, string Pending);

/// <summary>A method (<c>/package.Service/Method</c>) that reads nothing the <see cref="GatingStep"/>s guard, answered before they are done.</summary>
public sealed record UngatedMethod(string FullName);

/// <summary>
/// Refuses every call but health, reflection and the <see cref="UngatedMethod"/>s with UNAVAILABLE until the
/// <see cref="GatingStep"/>s are done. Readiness
/// keeps traffic away from such a replica where something reads it (Kubernetes), but a caller that dials it by address
/// (compose, the local run, a service's configured address) would otherwise reach it: a store restored from a backup
/// would serve the customers it removed once the step's start-up wait was over and the step was not done yet.
/// </summary>
public sealed class StartupGateInterceptor(IEnumerable<GatingStep> steps, IEnumerable<UngatedMethod> ungated) : Interceptor
{
    private readonly GatingStep[] _steps = [.. steps];
    private readonly HashSet<string> _ungated = [.. ungated.Select(method => method.FullName)];
    private volatile bool _open;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Pass(context);
        return await continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Pass(context);
        await continuation(request, responseStream, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Pass(context);
        return await continuation(requestStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Pass(context);
        await continuation(requestStream, responseStream, context);
    }

    private void Pass(ServerCallContext context)
    {
        if (_open || ProbeMethods.Includes(context.Method) || _ungated.Contains(context.Method))
        {
            return;
        }

        var pending = Array.Find(_steps, step => !step.Step.Completed.IsCompletedSuccessfully);
        if (pending is not null)
        {
            throw new UnavailableException($"This service is still starting ({pending.Pending}); retry shortly.");
        }

        _open = true;
    }
}
