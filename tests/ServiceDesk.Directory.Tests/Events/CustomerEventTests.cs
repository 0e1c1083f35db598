using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Directory.Tests.Api;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Testing;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace ServiceDesk.Directory.Tests.Events;

[Collection(DirectoryApiCollection.Name)]
public sealed class CustomerEventTests(DirectoryHostFixture hosts, ITestOutputHelper output)
{
    [Fact]
    public async Task Customer_changes_made_through_the_api_reach_a_consumer_in_version_order_with_the_profile_sealed()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var directory = await StartDirectoryAsync(prefix);
        await using var ticketing = await TicketingProbe.StartAsync(hosts.Redis, prefix, hosts.Identity, directory);
        var admin = hosts.AdminClientOf(directory);
        var (help, sales) = (TestData.ProjectKey(), TestData.ProjectKey());
        await admin.RegisterProjectAsync(new RegisterProjectRequest { ProjectKey = help });
        await admin.RegisterProjectAsync(new RegisterProjectRequest { ProjectKey = sales });
        var organization = await admin.CreateOrganizationAsync(new CreateOrganizationRequest { Name = $"Acme {TestData.Id()}" });
        var unique = TestData.Id()[..8];
        var (firstAddress, secondAddress) = ($"jane.sealed.{unique}@example.com", $"jane.moved.{unique}@example.org");
        var (firstName, secondName) = ($"Jane Sealed {unique}", $"Jane Roe {unique}");

        var jane = await admin.CreateCustomerAsync(new CreateCustomerRequest { Address = firstAddress, DisplayName = firstName, OrganizationId = organization.Id, ProjectKeys = { help } });
        await admin.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = jane.Id, DisplayName = secondName });
        await admin.AddToProjectAsync(new AddToProjectRequest { CustomerId = jane.Id, ProjectKey = sales });
        await admin.RemoveFromProjectAsync(new RemoveFromProjectRequest { CustomerId = jane.Id, ProjectKey = help });
        // Changes nothing, so bumps no version and publishes nothing.
        await admin.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = jane.Id, DisplayName = secondName });
        await admin.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = jane.Id, Address = secondAddress });

        var received = ticketing.Services.GetRequiredService<ReceivedCustomerEvents>();
        await Eventually.WaitForAsync(() => received.Of(jane.Id).Any(e => e.Version == 5), "the probe to receive version 5");
        var stream = await StreamEntriesAsync(directory, prefix);
        output.WriteLine($"sent {stream.Length} events (entries in the customers stream), received {received.Of(jane.Id).Count} and unsealed every profile");

        ReceivedCustomerEvent[] expected =
        [
            new("CustomerCreated", jane.Id, 1, organization.Id, [help], firstAddress, firstName),
            new("CustomerUpdated", jane.Id, 2, organization.Id, [help], firstAddress, secondName),
            new("CustomerUpdated", jane.Id, 3, organization.Id, [.. new[] { help, sales }.Order(StringComparer.Ordinal)], firstAddress, secondName),
            new("CustomerUpdated", jane.Id, 4, organization.Id, [sales], firstAddress, secondName),
            new("CustomerUpdated", jane.Id, 5, organization.Id, [sales], secondAddress, secondName),
        ];
        Assert.Equal(expected.Select(Describe), received.Of(jane.Id).Select(Describe));
        Assert.Equal(expected.Length, stream.Length);

        // What Redis holds (and its append-only file and backups keep): ids in clear, personal data never.
        var raw = stream.SelectMany(entry => entry.Values).SelectMany(field => ((byte[])field.Name!).Concat((byte[])field.Value!)).ToArray();
        Assert.True(Contains(raw, jane.Id), "the customer id is not in the stream entries; the checks below would prove nothing");
        foreach (var personal in new[] { firstAddress, secondAddress, firstName, secondName, $"jane.sealed.{unique}", "Jane Sealed" })
        {
            Assert.False(Contains(raw, personal), $"'{personal}' is readable in the stream entries");
        }
    }

    private Task<ServiceHost> StartDirectoryAsync(string prefix) =>
        ServiceHost.StartAsync(ServiceApps.Directory, new Dictionary<string, string?>(TicketingProbe.Messaging(hosts.Redis, prefix))
        {
            ["Auth:Authority"] = hosts.Identity.Endpoints.HttpUri.ToString(),
        });

    private static async Task<StreamEntry[]> StreamEntriesAsync(ServiceHost directory, string prefix)
    {
        var redis = directory.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        return await redis.StreamRangeAsync(new StreamKeys(prefix, "customers").Stream);
    }

    private static bool Contains(byte[] haystack, string text) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    private static string Describe(ReceivedCustomerEvent received) =>
        $"{received.Type} v{received.Version} {received.CustomerId} org={received.OrganizationId} projects=[{string.Join(',', received.ProjectKeys)}] {received.Address} '{received.DisplayName}'";
}
