using System.Security.Cryptography;
using ServiceDesk.Hosting.KeyProtection;
using Xunit;

namespace ServiceDesk.Hosting.Tests.KeyProtection;

public sealed class ProjectScopedIdsTests
{
    private static string NewKek() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static string NewCustomerId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    [Fact]
    public async Task Concurrent_callers_get_the_same_scoped_id_for_a_customer_and_each_maps_back_to_it()
    {
        var ids = new ProjectScopedIds(new KeyWrapper(new KeyProtectionOptions { Key = NewKek() }));
        var customers = Enumerable.Range(0, 200).Select(_ => NewCustomerId()).ToArray();

        var rounds = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => customers.Select(customer => ids.For(customer, "HELP")).ToArray())));

        Assert.All(rounds, round => Assert.Equal(rounds[0], round));
        Assert.Equal(customers.Length, rounds[0].Distinct().Count());
        for (var i = 0; i < customers.Length; i++)
        {
            Assert.StartsWith("HELP-", rounds[0][i], StringComparison.Ordinal);
            Assert.True(ids.TryOpen(rounds[0][i], out var project, out var candidates));
            Assert.Equal(("HELP", customers[i]), (project, candidates[0]));
        }
    }

    [Fact]
    public void A_customer_has_unrelated_ids_in_two_projects_and_under_two_keks()
    {
        var customer = NewCustomerId();
        var ids = new ProjectScopedIds(new KeyWrapper(new KeyProtectionOptions { Key = NewKek() }));
        var other = new ProjectScopedIds(new KeyWrapper(new KeyProtectionOptions { Key = NewKek() }));

        var help = ids.For(customer, "HELP")["HELP-".Length..];
        var sales = ids.For(customer, "SALES")["SALES-".Length..];

        Assert.NotEqual(help, sales);
        Assert.NotEqual(help, other.For(customer, "HELP")["HELP-".Length..]);
        Assert.DoesNotContain(customer, new[] { help, sales });
    }
}
