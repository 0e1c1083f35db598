using ServiceDesk.Messaging.PersonalData;

namespace ServiceDesk.Directory.Customers;

/// <summary>A customer profile. <see cref="Address"/> is normalised; <see cref="ProjectKeys"/> is sorted and distinct.</summary>
public sealed record Customer(
    string Id,
    string Address,
    string DisplayName,
    string? OrganizationId,
    IReadOnlyList<string> ProjectKeys,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    /// <summary>
    /// When the customer joined each of <see cref="ProjectKeys"/>: what an agent of that project is shown as the
    /// customer's creation (<see cref="AgentView"/>). Records written before memberships were kept have none.
    /// </summary>
    public IReadOnlyList<ProjectMembership> Memberships { get; init; } = [];

    /// <summary>Counts changes of the profile alone (address, display name, organization), not of memberships; null on older records.</summary>
    public long? ProfileVersion { get; init; }

    /// <summary>When the profile itself last changed; null on older records.</summary>
    public DateTimeOffset? ProfileUpdatedAt { get; init; }

    /// <summary>The customer chose <see cref="DisplayName"/> themselves; staff (or inbound mail) gave it otherwise.</summary>
    public bool DisplayNameChosenByCustomer { get; init; }

    /// <summary>
    /// The projects staff took the customer out of (<c>RemoveFromProject</c>), sorted. Inbound mail does not bring them
    /// back to one (Ticketing's <c>AddToProject</c> is refused) however open it is: only staff adding them again does,
    /// which clears the project from here.
    /// </summary>
    public IReadOnlyList<string> ProjectsLeftByStaff { get; init; } = [];

    /// <summary>The display names and addresses the customer had before, for a removal to look for (<see cref="StampedAfter"/> keeps it).</summary>
    public ProfileHistory History { get; init; } = ProfileHistory.None;

    public long CurrentProfileVersion => ProfileVersion ?? Version;

    public DateTimeOffset CurrentProfileUpdatedAt => ProfileUpdatedAt ?? UpdatedAt;

    public static Customer New(string id, string address, string displayName, string? organizationId, IEnumerable<string> projectKeys, DateTimeOffset now)
    {
        var keys = SortedProjectKeys(projectKeys);
        return new Customer(id, address, displayName, organizationId, keys, now, now, Version: 1)
        {
            Memberships = [.. keys.Select(key => new ProjectMembership(key, now, ProfileVersionAtJoin: 1))],
            ProfileVersion = 1,
            ProfileUpdatedAt = now,
        };
    }

    public static IReadOnlyList<string> SortedProjectKeys(IEnumerable<string> keys) =>
        [.. keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>This customer as a member of <paramref name="projectKeys"/> too, added by staff: mail may bring them back to those projects again.</summary>
    public Customer JoinedByStaff(IEnumerable<string> projectKeys)
    {
        var joined = SortedProjectKeys(projectKeys);
        return this with
        {
            ProjectKeys = SortedProjectKeys([.. ProjectKeys, .. joined]),
            ProjectsLeftByStaff = [.. ProjectsLeftByStaff.Except(joined, StringComparer.Ordinal)],
        };
    }

    /// <summary>Address, display name and organization: what the customer shares with every project they belong to.</summary>
    public bool HasSameProfileAs(Customer other) =>
        Address == other.Address && DisplayName == other.DisplayName && DisplayNameChosenByCustomer == other.DisplayNameChosenByCustomer
        && OrganizationId == other.OrganizationId;

    /// <summary>
    /// This customer as the next version of <paramref name="before"/>, changed at <paramref name="now"/>: the profile
    /// version moves only when the profile changed, projects joined now are joined at this profile version, and a
    /// name or address replaced joins the <see cref="History"/>.
    /// </summary>
    public Customer StampedAfter(Customer before, DateTimeOffset now)
    {
        var profileChanged = !HasSameProfileAs(before);
        var profileVersion = before.CurrentProfileVersion + (profileChanged ? 1 : 0);
        return this with
        {
            History = before.History.After(before.DisplayName, before.DisplayNameChosenByCustomer, before.Address, DisplayName, Address),
            UpdatedAt = now,
            Version = before.Version + 1,
            ProfileVersion = profileVersion,
            ProfileUpdatedAt = profileChanged ? now : before.CurrentProfileUpdatedAt,
            Memberships =
            [
                .. ProjectKeys.Select(key => before.ProjectKeys.Contains(key, StringComparer.Ordinal)
                    ? before.MembershipOf(key)
                    : new ProjectMembership(key, now, profileVersion)),
            ],
        };
    }

    /// <summary>
    /// The membership of one of <see cref="ProjectKeys"/>; on a record from before memberships were kept, as if joined
    /// at creation.
    /// </summary>
    public ProjectMembership MembershipOf(string projectKey) =>
        Memberships.FirstOrDefault(membership => membership.ProjectKey == projectKey) ?? new ProjectMembership(projectKey, CreatedAt, ProfileVersionAtJoin: 1);
}

/// <summary>The customer joined <paramref name="ProjectKey"/> at <paramref name="JoinedAt"/>, when their profile was at <paramref name="ProfileVersionAtJoin"/>.</summary>
public sealed record ProjectMembership(string ProjectKey, DateTimeOffset JoinedAt, long ProfileVersionAtJoin);
