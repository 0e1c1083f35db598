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
    public static IReadOnlyList<string> SortedProjectKeys(IEnumerable<string> keys) =>
        [.. keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
