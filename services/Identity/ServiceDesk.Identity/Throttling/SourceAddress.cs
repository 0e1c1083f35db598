using Grpc.Core;
using ServiceDesk.Hosting.Auth;

namespace ServiceDesk.Identity.Throttling;

public static class SourceAddress
{
    public const string ForwardedForHeader = "x-forwarded-for";

    /// <summary>
    /// Where a sign-in comes from: the peer's address, or, when the peer is a service identity (the gateway
    /// signing in its user), the first address it forwards. Anyone else's forwarded header is ignored, so a
    /// client cannot pick an address to dodge the per-address limit.
    /// </summary>
    public static string Of(ServerCallContext context)
    {
        var peer = context.GetHttpContext().Connection.RemoteIpAddress?.ToString() ?? "unknown";
        // The caller is consulted only for a forwarded address: a stale token alone must not fail a sign-in.
        if (context.RequestHeaders.GetValue(ForwardedForHeader) is not { Length: > 0 } forwarded || context.GetCaller().Role != CallerRole.Service)
        {
            return peer;
        }

        return forwarded.Split(',')[0].Trim() is { Length: > 0 } client ? client : peer;
    }
}
