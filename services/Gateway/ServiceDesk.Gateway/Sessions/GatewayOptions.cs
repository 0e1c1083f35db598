namespace ServiceDesk.Gateway.Sessions;

/// <summary>Section <c>Gateway</c>: cookie sessions and per-client rate limits.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>Cookies carry <c>Secure</c> and the <c>__Host-</c> prefix; only a local run over plain HTTP turns it off.</summary>
    public bool SecureCookies { get; set; } = true;

    /// <summary>A cookie session's access token is refreshed when it expires within this margin.</summary>
    public TimeSpan RefreshMargin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long after a cookie session's refresh token was spent a request presenting it again still gets the
    /// session's newest tokens (requests sent at once, answers arriving out of order). Past it, a spent token gets
    /// nothing more, and presenting it to Identity ends the session: a stolen cookie is good for no longer.
    /// </summary>
    public TimeSpan SpentRefreshGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most cookie-session refreshes a replica remembers at once (running, spent within <see cref="SpentRefreshGrace"/>,
    /// or refused by Identity within the last minute), and sessions it signed out whose access token has not expired, so
    /// that forged cookies cannot fill its memory. Refusals make room first, then signed-out sessions; when running and
    /// spent ones fill it, a further refresh is not started and its request answered 503.
    /// </summary>
    public int MaxRememberedRefreshes { get; set; } = 10_000;

    /// <summary>
    /// How many proxies in front of the gateway append to <c>X-Forwarded-For</c> (1 behind an Ingress): the client
    /// address is then the entry the outermost appended (<see cref="Security.ClientAddress"/>). 0, exposed directly: the
    /// header is ignored, since a client writes what it likes there.
    /// </summary>
    public int TrustedProxyHops { get; set; }

    /// <summary>Requests per client address per minute to the API.</summary>
    public int RequestsPerMinute { get; set; } = 600;

    /// <summary>
    /// Sign-ins and token refreshes per client address per minute, a cookie session's refreshes included (Identity
    /// throttles wrong passwords on top).
    /// </summary>
    public int SignInsPerMinute { get; set; } = 20;
}
