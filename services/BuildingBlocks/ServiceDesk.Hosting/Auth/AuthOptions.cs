namespace ServiceDesk.Hosting.Auth;

/// <summary>Configuration section <c>Auth</c>: how this service validates access tokens and proves its own identity.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>
    /// Identity's HTTP base URL (e.g. <c>http://identity:8080</c>); the signing keys are read from
    /// <c>{Authority}/.well-known/jwks.json</c>. Identity itself needs none: it reads its own keys.
    /// </summary>
    public Uri? Authority { get; set; }

    /// <summary>The <c>iss</c> Identity writes and every service requires.</summary>
    public string Issuer { get; set; } = "servicedesk-identity";

    /// <summary>The <c>aud</c> Identity writes and every service requires: one audience for the whole system.</summary>
    public string Audience { get; set; } = "servicedesk";

    /// <summary>How far the clocks of Identity and this service may disagree when checking a token's lifetime.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the key set is fetched again. Identity publishes a new key longer than this before it signs
    /// with it (<c>Identity:Keys:PublishLead</c>), so a rotation never meets a service that does not know the key.
    /// </summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// This service's own secret. When set, calls through <c>AddServiceClient</c> carry a service token that
    /// Identity (<c>Services:identity</c>) issues against it.
    /// </summary>
    public string? ServiceSecret { get; set; }
}
