using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Grpc.Core.Interceptors;
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

    [Fact]
    public async Task A_profile_tells_who_chose_the_name_and_every_former_name_and_address()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var directory = await StartDirectoryAsync(prefix);
        await using var ticketing = await TicketingProbe.StartAsync(hosts.Redis, prefix, hosts.Identity, directory);
        var admin = hosts.AdminClientOf(directory);
        var help = TestData.ProjectKey();
        await admin.RegisterProjectAsync(new RegisterProjectRequest { ProjectKey = help });
        var unique = TestData.Id()[..8];
        var (firstAddress, secondAddress) = ($"jane.{unique}@oldco.example", $"jane.{unique}@newco.example");
        var jane = await admin.CreateCustomerAsync(new CreateCustomerRequest { Address = firstAddress, DisplayName = "Jane Given", ProjectKeys = { help } });
        var janesToken = await hosts.TokenOfNewAsync(Contracts.Identity.V1.Role.Customer, jane.Id);
        var asJane = new DirectoryService.DirectoryServiceClient(directory.Channel.Intercept(metadata =>
        {
            metadata.Add("authorization", $"Bearer {janesToken}");
            return metadata;
        }));

        await asJane.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = jane.Id, DisplayName = "Jane Chosen" });
        // Her own name again chooses nothing: no change, no event.
        await asJane.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = jane.Id, DisplayName = "Jane Chosen" });
        // Staff giving the same name make it theirs.
        await admin.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = jane.Id, DisplayName = "Jane Chosen" });
        await asJane.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = jane.Id, DisplayName = "J. Again" });
        await admin.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = jane.Id, Address = secondAddress });

        var received = ticketing.Services.GetRequiredService<ReceivedCustomerEvents>();
        await Eventually.WaitForAsync(() => received.Of(jane.Id).Any(e => e.Version == 5), "the probe to receive version 5");
        Assert.Equal(
            [
                "v1 Jane Given staff: [] []",
                "v2 Jane Chosen customer: [Jane Given (staff)] []",
                "v3 Jane Chosen staff: [Jane Given (staff)] []",
                "v4 J. Again customer: [Jane Given (staff), Jane Chosen (staff)] []",
                $"v5 J. Again customer: [Jane Given (staff), Jane Chosen (staff)] [{firstAddress}]",
            ],
            received.Of(jane.Id).Select(e => $"v{e.Version} {e.DisplayName} {e.Provenance}"));
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
