using ServiceDesk.Directory.Customers;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Testing;

namespace ServiceDesk.Directory.Tests;

/// <summary>Values unique to one test, so tests sharing a host or a database never see each other's data.</summary>
internal static class TestData
{
    public static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    /// <summary>Keyed as every test host's is (<see cref="ServiceHost.TombstonePepper"/>).</summary>
    public static TombstonePepper Pepper { get; } = new(Convert.FromBase64String(ServiceHost.TombstonePepper));

    public static string Id() => Guid.NewGuid().ToString("N");

    /// <summary>A valid project key: "P" and eight upper-case letters.</summary>
    public static string ProjectKey() => "P" + string.Concat(Guid.NewGuid().ToString("N")[..8].Select(c => (char)('A' + (Convert.ToInt32(c.ToString(), 16) % 26))));

    /// <summary>An address on a domain of its own.</summary>
    public static string Address(string localPart = "someone") => $"{localPart}@{Guid.NewGuid():N}.example";

    public static Customer Customer(string? address = null, string displayName = "Some One", string? organizationId = null, params string[] projectKeys) =>
        Directory.Customers.Customer.New(Id(), address ?? Address(), displayName, organizationId, projectKeys, Now);
}
