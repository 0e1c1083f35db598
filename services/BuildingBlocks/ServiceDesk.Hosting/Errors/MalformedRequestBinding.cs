using System.Reflection;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ServiceDesk.Hosting.Errors;

/// <summary>
/// Binds every gRPC service the way grpc-dotnet's own binder does, with one difference: a request body that is
/// not a valid message of its type (bytes that are not protobuf, a truncated field, a string that is not UTF-8)
/// answers INVALID_ARGUMENT. grpc-dotnet parses the request before any interceptor runs, so without this such a
/// body answers UNKNOWN, "Exception was thrown by handler".
/// </summary>
internal static class MalformedRequestBinding
{
    public static IServiceCollection BindRejectingMalformedRequests(this IServiceCollection services)
    {
        var defaultBinder = services.Single(descriptor =>
            descriptor.ServiceType == typeof(IServiceMethodProvider<>) && descriptor.ImplementationType?.Name == "BinderServiceMethodProvider`1");
        services.Remove(defaultBinder);
        services.Add(ServiceDescriptor.Singleton(typeof(IServiceMethodProvider<>), typeof(MalformedRequestRejectingMethodProvider<>)));
        return services;
    }

    public static Marshaller<TRequest> RejectingMalformed<TRequest>(Marshaller<TRequest> marshaller, string methodName) =>
        Marshallers.Create(
            marshaller.ContextualSerializer,
            context =>
            {
                try
                {
                    return marshaller.ContextualDeserializer(context);
                }
                catch (InvalidProtocolBufferException)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"The request is not a valid {methodName} request message."));
                }
            });
}

internal sealed class MalformedRequestRejectingMethodProvider<TService> : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        // The generated base class carries [BindServiceMethod]; its static BindService(ServiceBinderBase, Base) adds every method.
        var declaringType = typeof(TService);
        while (declaringType is not null && declaringType.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is null)
        {
            declaringType = declaringType.BaseType;
        }

        if (declaringType?.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is not { } binding)
        {
            return;
        }

        var bindService = binding.BindType
            .GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Single(method => method.Name == binding.BindMethodName && method.GetParameters() is [var first, _] && first.ParameterType == typeof(ServiceBinderBase));
        bindService.Invoke(null, [new Binder(context, declaringType), null]);
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context, Type declaringType) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<UnaryServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(TRequest), typeof(ServerCallContext));
            context.AddUnaryMethod(Rejecting(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<ServerStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddServerStreamingMethod(Rejecting(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<ClientStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext));
            context.AddClientStreamingMethod(Rejecting(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddDuplexStreamingMethod(Rejecting(method), metadata, invoker);
        }

        private static Method<TRequest, TResponse> Rejecting<TRequest, TResponse>(Method<TRequest, TResponse> method) =>
            new(method.Type, method.ServiceName, method.Name, MalformedRequestBinding.RejectingMalformed(method.RequestMarshaller, method.Name), method.ResponseMarshaller);

        // As grpc-dotnet's binder: the service's override of the generated virtual method, with the service's and
        // the method's attributes as endpoint metadata.
        private (TDelegate Invoker, List<object> Metadata) Model<TDelegate>(string methodName, params Type[] parameters)
            where TDelegate : Delegate
        {
            var handler = FindOverride(methodName, parameters)
                ?? throw new InvalidOperationException($"Could not find '{methodName}' on {typeof(TService)}.");
            List<object> metadata =
            [
                .. typeof(TService).GetCustomAttributes(inherit: true),
                .. handler.GetCustomAttributes(inherit: true),
                new HttpMethodMetadata(["POST"], acceptCorsPreflight: true),
            ];
            return ((TDelegate)Delegate.CreateDelegate(typeof(TDelegate), handler), metadata);
        }

        private MethodInfo? FindOverride(string methodName, Type[] parameters)
        {
            for (var type = typeof(TService); type is not null; type = type.BaseType)
            {
                var candidate = type.GetMethod(methodName, BindingFlags.Public | BindingFlags.Instance, binder: null, parameters, modifiers: null);
                if (candidate is null)
                {
                    return null;
                }

                if (candidate.IsVirtual && candidate.GetBaseDefinition().DeclaringType == declaringType)
                {
                    return candidate;
                }
            }

            return null;
        }
    }
}
