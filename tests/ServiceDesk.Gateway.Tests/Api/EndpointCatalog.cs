namespace ServiceDesk.Gateway.Tests.Api;

/// <summary>
/// Every endpoint that needs a signed-in caller, with a well-formed request (so the services' validation,
/// which runs before authentication, lets it through).
/// </summary>
public sealed record Endpoint(string Method, string Path, object? Body = null)
{
    public static readonly IReadOnlyList<Endpoint> SignedIn =
    [
        new("GET", "/api/v1/session"),
        new("GET", "/api/v1/me"),
        new("POST", "/api/v1/me/password", new { currentPassword = "correct horse battery staple", newPassword = "another long password" }),
        new("POST", "/api/v1/accounts", new { login = "new-agent@example.com", password = "correct horse battery staple", role = "agent", projectKeys = new[] { "HELP" } }),
        new("POST", "/api/v1/accounts/acc1/disable"),
        new("POST", "/api/v1/accounts/acc1/enable"),
        new("DELETE", "/api/v1/accounts/acc1"),
        new("GET", "/api/v1/customers?projectKey=HELP"),
        new("POST", "/api/v1/customers", new { address = "jane@example.com", displayName = "Jane", projectKeys = new[] { "HELP" } }),
        new("POST", "/api/v1/customers/suggestions", new { projectKey = "HELP", text = "ja", limit = 5 }),
        new("GET", "/api/v1/customers/c1"),
        new("PATCH", "/api/v1/customers/c1", new { displayName = "Jane Doe" }),
        new("PUT", "/api/v1/customers/c1/projects/HELP"),
        new("DELETE", "/api/v1/customers/c1/projects/HELP"),
        new("POST", "/api/v1/organizations", new { name = "Acme" }),
        new("PATCH", "/api/v1/organizations/o1", new { name = "Acme Ltd" }),
        new("GET", "/api/v1/organizations/o1/members"),
        new("GET", "/api/v1/projects"),
        new("POST", "/api/v1/projects", new { key = "HELP", name = "Help" }),
        new("GET", "/api/v1/projects/HELP"),
        new("GET", "/api/v1/tickets?projectKey=HELP"),
        new("POST", "/api/v1/tickets", new { projectKey = "HELP", reporterCustomerId = "c1", summary = "Printer on fire" }),
        new("GET", "/api/v1/tickets/HELP-1"),
        new("POST", "/api/v1/tickets/HELP-1/comments", new { body = "On it." }),
        new("PUT", "/api/v1/tickets/HELP-1/participants/c1"),
        new("DELETE", "/api/v1/tickets/HELP-1/participants/c1"),
        new("PUT", "/api/v1/tickets/HELP-1/status", new { status = "in_progress" }),
        new("POST", "/api/v1/erasures", new { customerId = "c1", mode = "anonymize", reason = "customer_request" }),
        new("GET", "/api/v1/erasures"),
        new("GET", "/api/v1/erasures/e1"),
        new("POST", "/api/v1/erasures/e1/retry"),
        new("POST", "/api/v1/erasures/e1/approval"),
        new("POST", "/api/v1/erasures/e1/rejection", new { reason = "legal_hold" }),
        new("POST", "/api/v1/erasures/e1/reinstatement", new { reason = "customer_returned" }),
        new("GET", "/api/v1/erasures/e1/evidence"),
        new("POST", "/api/v1/customers/c1/removal-preview", new { mode = "anonymize" }),
        new("POST", "/api/v1/me/removal-request", new { mode = "anonymize" }),
        new("GET", "/api/v1/deliveries?ticketId=HELP-1"),
        new("POST", "/api/v1/suppressions/check", new { address = "jane@example.com" }),
    ];

    public bool IsUnsafe => Method is not ("GET" or "HEAD");

    public override string ToString() => $"{Method} {Path}";
}
