using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;

namespace ServiceDesk.Hosting.Validation;

/// <summary>Runs the request's <see cref="IRequestValidator{TRequest}"/>, if one is registered, before the handler.</summary>
public sealed class RequestValidationInterceptor(IServiceProvider services) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Validate(request);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Validate(request);
        return continuation(request, responseStream, context);
    }

    private void Validate<TRequest>(TRequest request)
        where TRequest : class
    {
        if (services.GetService<IRequestValidator<TRequest>>() is not { } validator)
        {
            return;
        }

        var violations = new FieldViolations();
        validator.Validate(request, violations);
        violations.ThrowIfAny();
    }
}
