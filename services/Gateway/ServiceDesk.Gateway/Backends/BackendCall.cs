using Grpc.Core;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Gateway.Security;
using ServiceDesk.Gateway.Sessions;

namespace ServiceDesk.Gateway.Backends;

/// <summary>
/// The options of a call made on behalf of the current HTTP request: the user's own access token (so the
/// called service decides what the user may do) and the client's address as <c>x-forwarded-for</c> (Identity's
/// sign-in throttling counts it with <c>Identity:Throttling:TrustedProxyHops</c> = 1).
/// </summary>
public sealed class BackendCall(IHttpContextAccessor accessor, SessionTokens tokens, GatewayOptions options, ServiceTokenProvider? gatewayToken = null)
{
    private const string ForwardedFor = "x-forwarded-for";

    private HttpContext Http => accessor.HttpContext ?? throw new InvalidOperationException("A backend call needs the current HTTP request.");

    /// <summary>Options carrying the caller's token (refreshed first when a cookie session's token is about to expire).</summary>
    public async Task<CallOptions> AsUserAsync() => Bearing(await tokens.AccessTokenAsync(Http));

    /// <summary>Options for anonymous calls (refresh, sign-out): only the forwarded client address.</summary>
    public CallOptions Anonymous() => Bearing(null);

    /// <summary>
    /// Options for a sign-in: the forwarded client address, vouched for by the gateway's own service token, without
    /// which Identity's throttling counts the gateway's address instead (<c>Auth:ServiceSecret</c>; README, "Sign-in throttling").
    /// </summary>
    public async Task<CallOptions> SignInAsync() =>
        Bearing(gatewayToken is null ? null : await gatewayToken.GetTokenAsync(Http.RequestAborted));

    /// <summary>The forwarded client address, and <paramref name="token"/> as the bearer when there is one.</summary>
    private CallOptions Bearing(string? token)
    {
        var headers = ForwardingHeaders(Http, options);
        if (token is not null)
        {
            headers.Add("authorization", $"Bearer {token}");
        }

        return new CallOptions(headers, cancellationToken: Http.RequestAborted);
    }

    /// <summary>The client's address, the one address the gateway vouches for (what clients wrote before it is theirs).</summary>
    internal static Metadata ForwardingHeaders(HttpContext http, GatewayOptions options) =>
        new() { { ForwardedFor, ClientAddress.Of(http, options.TrustedProxyHops) } };
}
