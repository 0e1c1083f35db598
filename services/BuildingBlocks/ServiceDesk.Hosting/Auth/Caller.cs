using System.Security.Claims;
using ServiceDesk.Hosting.Errors;

namespace ServiceDesk.Hosting.Auth;

public enum CallerRole
{
    Anonymous,
    Customer,
    Agent,
    Admin,
    Service,
}

/// <summary>
/// Who makes the current call, as its validated access token says (<see cref="CallContextExtensions.GetCaller"/>).
/// The Require methods throw UNAUTHENTICATED for an anonymous caller and PERMISSION_DENIED for a caller whose
/// role or scope does not allow the call.
/// </summary>
public sealed record Caller
{
    public static readonly Caller Anonymous = new() { Role = CallerRole.Anonymous };

    public required CallerRole Role { get; init; }

    /// <summary>The account's id; null for anonymous callers and services.</summary>
    public string? AccountId { get; init; }

    /// <summary>The session the access token was issued for (accounts only).</summary>
    public string? SessionId { get; init; }

    /// <summary>Customers: their Directory customer id.</summary>
    public string? CustomerId { get; init; }

    /// <summary>Agents: the project keys they work in; empty for every other role.</summary>
    public IReadOnlySet<string> ProjectKeys { get; init; } = new HashSet<string>();

    /// <summary>Service identities: the service's name ("directory", ...).</summary>
    public string? ServiceName { get; init; }

    /// <summary>When the access token expires.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    public bool IsAuthenticated => Role != CallerRole.Anonymous;

    /// <summary>What binds a page token to its caller: another caller presenting it is refused.</summary>
    public string PagingIdentity() => $"{Role}:{AccountId ?? ServiceName}";

    public Caller RequireAuthenticated() =>
        IsAuthenticated ? this : throw new UnauthenticatedException("This call needs an access token: send \"authorization: Bearer <token>\".");

    public Caller RequireRole(params CallerRole[] roles)
    {
        RequireAuthenticated();
        return roles.Contains(Role) ? this : throw new PermissionDeniedException($"This call is not allowed for the role {Describe(Role)}; it needs {string.Join(" or ", roles.Select(Describe))}.");
    }

    public Caller RequireAdmin() => RequireRole(CallerRole.Admin);

    /// <summary>A service identity, and when names are given, one of those services. No account token ever passes.</summary>
    public Caller RequireService(params string[] serviceNames)
    {
        RequireRole(CallerRole.Service);
        return serviceNames.Length == 0 || serviceNames.Contains(ServiceName, StringComparer.Ordinal)
            ? this
            : throw new PermissionDeniedException($"This call is not allowed for the service '{ServiceName}'.");
    }

    /// <summary>Admins and services: every project; agents: the projects they work in; customers: none.</summary>
    public Caller RequireProjectAccess(string projectKey)
    {
        RequireAuthenticated();
        return Role is CallerRole.Admin or CallerRole.Service || (Role == CallerRole.Agent && ProjectKeys.Contains(projectKey))
            ? this
            : throw new PermissionDeniedException($"The caller does not work in project '{projectKey}'.");
    }

    /// <summary>
    /// A customer only for their own customer id; agents, admins and services pass. Agents see only the
    /// customers of their projects: where the customer's projects are known, use <see cref="RequireCustomerAccess"/>.
    /// </summary>
    public Caller RequireSelfOrStaff(string customerId)
    {
        RequireAuthenticated();
        return Role != CallerRole.Customer || string.Equals(CustomerId, customerId, StringComparison.Ordinal)
            ? this
            : throw new PermissionDeniedException("A customer may only act on their own data.");
    }

    /// <summary>A customer: only themselves; an agent: a customer of one of their projects; admins and services: anyone.</summary>
    public Caller RequireCustomerAccess(string customerId, IEnumerable<string> customerProjectKeys)
    {
        RequireSelfOrStaff(customerId);
        return Role != CallerRole.Agent || customerProjectKeys.Any(ProjectKeys.Contains)
            ? this
            : throw new PermissionDeniedException($"The customer '{customerId}' belongs to none of the caller's projects.");
    }

    /// <summary>The caller a validated token describes; null when its role is not one Identity issues.</summary>
    public static Caller? FromClaims(ClaimsPrincipal principal, DateTimeOffset? expiresAt)
    {
        string? Claim(string type) => principal.FindFirst(type)?.Value;
        var role = Claim(CallerClaims.Role) switch
        {
            CallerClaims.AdminRole => CallerRole.Admin,
            CallerClaims.AgentRole => CallerRole.Agent,
            CallerClaims.CustomerRole => CallerRole.Customer,
            CallerClaims.ServiceRole when Claim(CallerClaims.Service) is { Length: > 0 } => CallerRole.Service,
            _ => (CallerRole?)null,
        };
        if (role is null || Claim(CallerClaims.Subject) is not { Length: > 0 } subject)
        {
            return null;
        }

        return role == CallerRole.Service
            ? new Caller { Role = CallerRole.Service, ServiceName = Claim(CallerClaims.Service), ExpiresAt = expiresAt }
            : new Caller
            {
                Role = role.Value,
                AccountId = subject,
                SessionId = Claim(CallerClaims.SessionId),
                CustomerId = role == CallerRole.Customer ? Claim(CallerClaims.CustomerId) : null,
                ProjectKeys = role == CallerRole.Agent ? principal.FindAll(CallerClaims.Project).Select(c => c.Value).ToHashSet(StringComparer.Ordinal) : new HashSet<string>(),
                ExpiresAt = expiresAt,
            };
    }

    private static string Describe(CallerRole role) => role.ToString().ToLowerInvariant();
}
