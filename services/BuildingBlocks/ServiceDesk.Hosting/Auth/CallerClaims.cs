namespace ServiceDesk.Hosting.Auth;

/// <summary>The claims of a ServiceDesk access token, as Identity writes them and every service reads them.</summary>
public static class CallerClaims
{
    public const string Subject = "sub";
    public const string Role = "role";

    /// <summary>One claim per project key an agent works in.</summary>
    public const string Project = "project";

    /// <summary>A customer account's Directory customer id.</summary>
    public const string CustomerId = "customer_id";
    public const string SessionId = "sid";

    /// <summary>A service identity's name ("directory", ...).</summary>
    public const string Service = "service";

    public const string AdminRole = "admin";
    public const string AgentRole = "agent";
    public const string CustomerRole = "customer";
    public const string ServiceRole = "service";

    /// <summary>The subject of a service identity's token.</summary>
    public static string ServiceSubject(string serviceName) => $"service:{serviceName}";
}
