using ServiceDesk.Directory.Customers;
using ServiceDesk.Hosting.Auth;

namespace ServiceDesk.Directory;

/// <summary>
/// A customer as an agent is shown them: seen from one of the agent's projects, as if the customer had been created
/// when they joined it. So an agent learns what they supplied and what the customer shares with every project
/// (address, display name, and the changes to them since), never what happened in other projects: not when the
/// customer first came, not their changes of membership elsewhere, not an organization someone else gave them.
/// </summary>
/// <param name="ProjectKey">The project the customer is seen from; the id an agent gets is scoped to it.</param>
/// <param name="OrganizationId">Shown only while the profile is the agent's own (no project but theirs has the customer).</param>
/// <param name="Version">The profile's changes since the customer joined <paramref name="ProjectKey"/>, from 1; what UpdateCustomer's expected_version means to an agent.</param>
public sealed record AgentView(
    string ProjectKey, IReadOnlyList<string> ProjectKeys, string? OrganizationId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version)
{
    /// <param name="seenFrom">
    /// The project the agent named the customer through (the project of a scoped id, the project listed); when the
    /// customer is not in it, the first of the agent's projects they are in; when in none (just removed), still it.
    /// </param>
    public static AgentView Of(Customer customer, Caller caller, string? seenFrom)
    {
        var projectKey = seenFrom is not null && customer.ProjectKeys.Contains(seenFrom)
            ? seenFrom
            : customer.ProjectKeys.FirstOrDefault(caller.ProjectKeys.Contains)
                ?? seenFrom
                ?? throw new InvalidOperationException("A customer in none of the agent's projects is shown only from the project the agent named.");
        var membership = customer.ProjectKeys.Contains(projectKey)
            ? customer.MembershipOf(projectKey)
            : new ProjectMembership(projectKey, customer.UpdatedAt, customer.CurrentProfileVersion);
        return new AgentView(
            projectKey,
            [.. caller.VisibleProjectKeys(customer)],
            caller.OwnsProfile(customer) ? customer.OrganizationId : null,
            membership.JoinedAt,
            customer.CurrentProfileUpdatedAt > membership.JoinedAt ? customer.CurrentProfileUpdatedAt : membership.JoinedAt,
            customer.CurrentProfileVersion - membership.ProfileVersionAtJoin + 1);
    }
}
