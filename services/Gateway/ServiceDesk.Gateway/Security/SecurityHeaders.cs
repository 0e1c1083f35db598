using Scalar.AspNetCore;
using ServiceDesk.Gateway.Sessions;

namespace ServiceDesk.Gateway.Security;

/// <summary>Headers on every response: no inline or foreign script, no framing, no MIME sniffing, no referrer.</summary>
internal static class SecurityHeaders
{
    /// <summary>The console: its own scripts, styles and API only.</summary>
    private const string ConsolePolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// The API reference page (Scalar) configures its locally served bundle with an inline script, and styles inline;
    /// only that page is allowed them, and it still connects to nothing but the gateway. It shares the console's origin
    /// (its cookies, its API), so of inline scripts only the one the gateway wrote runs: it carries this response's
    /// nonce, which Scalar draws per request (<c>WithNonce()</c>); any other inline script, e.g. injected markup, is refused.
    /// </summary>
    private static string ReferencePolicy(string? nonce) =>
        $"default-src 'none'; script-src 'self'{(string.IsNullOrEmpty(nonce) ? string.Empty : $" 'nonce-{nonce}'")}; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public const string ReferencePath = "/scalar";

    /// <summary>
    /// With secure cookies (served over HTTPS, here or at the Ingress): browsers go to HTTPS for a year without trying
    /// plain HTTP first, where a network attacker could serve a false sign-in form. Browsers ignore it over plain HTTP.
    /// </summary>
    private const string TransportSecurity = "max-age=31536000";

    /// <summary>
    /// Sets the headers as the response starts, not before calling on: the exception handler clears the response,
    /// headers included, before it writes its problem (a body that is not JSON, a query value that is not a number, a 500).
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, GatewayOptions options) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                Apply(context, options);
                return Task.CompletedTask;
            });
            return next(context);
        });

    private static void Apply(HttpContext context, GatewayOptions options)
    {
        var headers = context.Response.Headers;
        if (options.SecureCookies)
        {
            headers.StrictTransportSecurity = TransportSecurity;
        }

        headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(ReferencePath)
            ? ReferencePolicy(context.Items[ScalarOptions.NonceHttpContextItemKey] as string)
            : ConsolePolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            headers.CacheControl = "no-store";
        }
    }
}
