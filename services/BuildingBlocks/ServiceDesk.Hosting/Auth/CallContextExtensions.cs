using Grpc.Core;
using ServiceDesk.Hosting.Errors;

namespace ServiceDesk.Hosting.Auth;

public static class CallContextExtensions
{
    /// <summary>
    /// The caller of the current gRPC call: <see cref="Caller.Anonymous"/> without a token. A token that was
    /// presented and is invalid or expired throws UNAUTHENTICATED; when the signing keys cannot be had
    /// (Identity unreachable), UNAVAILABLE. Never falls back to anonymous for a bad token.
    /// </summary>
    public static Caller GetCaller(this ServerCallContext context) =>
        context.GetHttpContext().Features.Get<CallerResolution>() switch
        {
            { Caller: { } caller } => caller,
            { Error: { } error } => throw error,
            _ => throw new InvalidOperationException("The caller was not resolved: AddServiceDefaults registers the CallerInterceptor."),
        };
}

/// <summary>What the <see cref="CallerInterceptor"/> found for one call: a caller, or why there is none.</summary>
internal sealed record CallerResolution(Caller? Caller, ServiceException? Error);
