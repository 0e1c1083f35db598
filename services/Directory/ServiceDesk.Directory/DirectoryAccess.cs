using ServiceDesk.Directory.Customers;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Errors;

namespace ServiceDesk.Directory;

/// <summary>
/// Directory's role rules on top of the shared guards. A service identity reaches a handler only for the RPCs
/// <see cref="ServiceAccessPolicy"/> grants it, and there acts as an admin; customers act only on their own
/// profile; agents see and change only customers of their projects, and learn nothing of any other customer
/// (not even whether an id exists) nor of the other projects of the customers they share.
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

    /// <summary>
    /// What an organization's member list shows the caller: for an agent only customers every project of whom is one
    /// of theirs (the profiles they own, <see cref="OwnsProfile"/>, whose organization they may learn); null for
    /// every customer (admins and services).
    /// </summary>
    public static IReadOnlySet<string>? MemberListProjects(this Caller caller) => caller.Role == CallerRole.Agent ? caller.ProjectKeys : null;

    /// <summary>Agents see the customers of their projects, customers themselves (checked before any look-up), admins and services everyone.</summary>
    public static bool CanSee(this Caller caller, Customer customer) =>
        caller.Role != CallerRole.Agent || customer.ProjectKeys.Any(caller.ProjectKeys.Contains);

    /// <summary>
    /// The project keys of <paramref name="customer"/> the caller may learn: for an agent only their own, so a
    /// customer shared with other projects shows nothing of them.
    /// </summary>
    public static IEnumerable<string> VisibleProjectKeys(this Caller caller, Customer customer) =>
        caller.Role == CallerRole.Agent ? customer.ProjectKeys.Where(caller.ProjectKeys.Contains) : customer.ProjectKeys;

    /// <summary>
    /// An agent changes the profile only of a customer who belongs to their projects alone: a profile shared
    /// with other projects is the customer's own (and an admin's) to change.
    /// </summary>
    public static Caller RequireProfileOwnership(this Caller caller, Customer customer) =>
        caller.OwnsProfile(customer)
            ? caller
            : throw new PermissionDeniedException(
                "The customer also belongs to projects the caller does not work in; only the customer or an admin may change a shared profile.");

    /// <summary>Everyone but an agent; an agent while no project but theirs has the customer.</summary>
    public static bool OwnsProfile(this Caller caller, Customer customer) =>
        caller.Role != CallerRole.Agent || customer.ProjectKeys.All(caller.ProjectKeys.Contains);
}
