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

    /// <summary>
    /// The caller, or null when the call's token was refused: for what a call may be trusted with beyond its own
    /// rights (a sign-in, which works with a stale token, reads from it who forwarded it).
    /// </summary>
    public static Caller? FindCaller(this ServerCallContext context) => context.GetHttpContext().Features.Get<CallerResolution>()?.Caller;
}

/// <summary>What the <see cref="CallerInterceptor"/> found for one call: a caller, or why there is none.</summary>
internal sealed record CallerResolution(Caller? Caller, ServiceException? Error);
