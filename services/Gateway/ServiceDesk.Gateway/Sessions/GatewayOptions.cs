namespace ServiceDesk.Gateway.Sessions;

/// <summary>Section <c>Gateway</c>: cookie sessions and per-client rate limits.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>Cookies carry <c>Secure</c> and the <c>__Host-</c> prefix; only a local run over plain HTTP turns it off.</summary>
    public bool SecureCookies { get; set; } = true;

    /// <summary>A cookie session's access token is refreshed when it expires within this margin.</summary>
    public TimeSpan RefreshMargin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Requests per client address per minute to the API.</summary>
    public int RequestsPerMinute { get; set; } = 600;

    /// <summary>Sign-ins and token refreshes per client address per minute (Identity throttles wrong passwords on top).</summary>
    public int SignInsPerMinute { get; set; } = 20;
}
