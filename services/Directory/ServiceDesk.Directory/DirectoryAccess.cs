using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Errors;

namespace ServiceDesk.Directory;

/// <summary>
/// Directory's role rules on top of the shared guards. Service identities may do whatever an admin may;
/// customers act only on their own profile.
/// </summary>
public static class DirectoryAccess
{
    /// <summary>Agents, admins and services.</summary>
    public static Caller RequireStaff(this Caller caller) => caller.RequireRole(CallerRole.Agent, CallerRole.Admin, CallerRole.Service);

    /// <summary>Admins and services.</summary>
    public static Caller RequireAdminOrService(this Caller caller) => caller.RequireRole(CallerRole.Admin, CallerRole.Service);

    /// <summary>
    /// Admins and services: any projects, or none. Agents: at least one project, and every one of them theirs,
    /// so an agent never acts on customers outside their projects.
    /// </summary>
    public static Caller RequireEveryProject(this Caller caller, IReadOnlyCollection<string> projectKeys, string requestField)
    {
        caller.RequireStaff();
        if (caller.Role == CallerRole.Agent && projectKeys.Count == 0)
        {
            throw new PermissionDeniedException($"An agent must name one of their own projects in {requestField}.");
        }

        foreach (var projectKey in projectKeys)
        {
            caller.RequireProjectAccess(projectKey);
        }

        return caller;
    }

    /// <summary>The projects whose customers the caller may see; null for every customer (admins and services).</summary>
    public static IReadOnlySet<string>? VisibleProjects(this Caller caller) => caller.Role == CallerRole.Agent ? caller.ProjectKeys : null;
}
