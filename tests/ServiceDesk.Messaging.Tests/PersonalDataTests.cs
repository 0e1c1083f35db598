using System.Collections.Concurrent;
using System.Text;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Directory.Keys;
using ServiceDesk.Hosting;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ServiceDesk.Messaging.Tests;

[Collection(RedisCollection.Name)]
public sealed class PersonalDataTests(RedisFixture redis, ITestOutputHelper output)
{
    private const string Address = "jane.doe@example.com";
    private const string Name = "Jane Doe-Okafor";

    /// <summary>
    /// A "customers" family the consumer probe subscribes to as notification (a service granted GetCustomerKey by
    /// the service-access table), and the families Directory itself consumes and publishes, so it starts as it runs.
    /// </summary>
    private static readonly EventCatalog DirectoryCatalog = new(
    [
        new EventFamily("customers", [CustomerCreated.Descriptor], Publishers: [ServiceNames.Directory], Subscribers: [ServiceNames.Notification]),
        EventCatalog.Default.Find("projects")!,
        EventCatalog.Default.Find("erasure")!,
        EventCatalog.Default.Find("erasure-receipts")!,
    ]);

    [Fact]
    public async Task Personal_data_crosses_redis_only_sealed_and_is_unreadable_once_the_customer_key_is_destroyed()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var redisData = await ServiceDesk.LocalRedis.RedisServer.StartAsync(TestDirectory.Create("redis-shredding"));
        await using var identity = await Probes.StartIdentityAsync(redis.Configuration);
        var directoryApp = ServiceApps.Directory with { Add = builder => { builder.Services.AddSingleton(DirectoryCatalog); ServiceApps.Directory.Add(builder); } };
        await using var directory = await ServiceHost.StartAsync(directoryApp, Probes.Settings(redisData.Configuration, prefix).TrustingIdentity(identity));
        var probe = Probes.Service(ServiceNames.Notification, bus => bus.AddSubscription<CustomerCreated, ProfileHandler>());
        var consumerApp = probe with
        {
            Add = builder =>
            {
                probe.Add(builder);
                builder.Services.AddSingleton(DirectoryCatalog);
                builder.Services.AddCustomerKeysFromDirectory(builder.Configuration);
                builder.Services.AddSingleton<Profiles>();
            },
        };
        await using var consumer = await ServiceHost.StartAsync(consumerApp, new Dictionary<string, string?>(Probes.Settings(redisData.Configuration, prefix))
        {
            ["Services:directory"] = directory.Endpoints.GrpcUri.ToString(),
        }.TrustingIdentity(identity, IdentityTestHost.NotificationSecret));

        var keys = directory.Services.GetRequiredService<ICustomerKeyStore>();
        var key = await keys.GetOrCreateForCustomerAsync(CustomerIds.Named("c-1"), CancellationToken.None);
        var sealedProfile = PersonalDataSealer.Seal(key, new CustomerProfile { Address = Address, DisplayName = Name });
        await directory.Services.GetRequiredService<IntegrationEvents>().PublishAsync(new CustomerCreated { CustomerId = CustomerIds.Named("c-1"), Profile = sealedProfile, Version = 1 }, CancellationToken.None);

        var profiles = consumer.Services.GetRequiredService<Profiles>();
        await Eventually.WaitForAsync(() => profiles.ByCustomer.ContainsKey(CustomerIds.Named("c-1")), "the consumer to unseal the profile");
        Assert.Equal((Address, Name), profiles.ByCustomer[CustomerIds.Named("c-1")]);
        Assert.DoesNotContain(directory.Logs.Lines, line => line.Contains("BackgroundService failed", StringComparison.Ordinal));

        // Redis's append-only file holds every command ever applied — the entry's XADD included, even after the
        // stream was trimmed — and never the clear values.
        await redisData.StopAsync();
        var aof = System.IO.Directory.EnumerateFiles(redisData.DataDirectory, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith("redis.log", StringComparison.Ordinal)).SelectMany(File.ReadAllBytes).ToArray();
        Assert.True(aof.AsSpan().IndexOf(Encoding.UTF8.GetBytes(key.KeyId)) >= 0, "the sealed entry is not in the AOF; the check below would prove nothing");
        AssertAbsent(aof, "Redis's append-only file");

        // Removal destroys the key: the sealed copy anywhere is now noise.
        Assert.True(await keys.DestroyForCustomerAsync(CustomerIds.Named("c-1"), CancellationToken.None));
        var keyService = new CustomerKeyService.CustomerKeyServiceClient(directory.Channel);
        var asService = IdentityTestHost.Bearer(await identity.ServiceTokenAsync(ServiceNames.Notification));
        var error = await Assert.ThrowsAsync<RpcException>(() => keyService.GetCustomerKeyAsync(new GetCustomerKeyRequest { KeyId = key.KeyId }, asService).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        await Assert.ThrowsAsync<CustomerKeyDestroyedException>(() =>
            new PersonalDataSealer(directory.Services.GetRequiredService<ICustomerKeyProvider>()).UnsealAsync(sealedProfile, CustomerProfile.Parser, CancellationToken.None));

        var directoryFiles = System.IO.Directory.EnumerateFiles(directory.DataDirectory, "*.db").SelectMany(File.ReadAllBytes).ToArray();
        Assert.Equal(-1, directoryFiles.AsSpan().IndexOf(key.Key.Span));
        output.WriteLine($"sent 1 sealed profile, received 1 and unsealed it; clear text found in the AOF ({aof.Length} bytes) 0 times; key bytes left in Directory's file after destruction: 0");
    }

    [Fact]
    public async Task Customer_keys_are_served_to_service_identities_only()
    {
        await using var identity = await Probes.StartIdentityAsync(redis.Configuration);
        await using var directory = await ServiceHost.StartAsync(ServiceApps.Directory, new Dictionary<string, string?> { ["Redis:Configuration"] = redis.Configuration }.TrustingIdentity(identity));
        var key = await directory.Services.GetRequiredService<ICustomerKeyStore>().GetOrCreateForCustomerAsync(CustomerIds.Named("c-1"), CancellationToken.None);
        var keyService = new CustomerKeyService.CustomerKeyServiceClient(directory.Channel);
        var request = new GetCustomerKeyRequest { KeyId = key.KeyId };
        var customer = await identity.NewSignedInAsync(Contracts.Identity.V1.Role.Customer, customerId: CustomerIds.Named("c-1"));

        var anonymous = await Assert.ThrowsAsync<RpcException>(() => keyService.GetCustomerKeyAsync(request).ResponseAsync);
        var ownCustomer = await Assert.ThrowsAsync<RpcException>(() => keyService.GetCustomerKeyAsync(request, IdentityTestHost.Bearer(customer.AccessToken)).ResponseAsync);
        var adminToken = IdentityTestHost.Bearer(await identity.AdminTokenAsync());
        var admin = await Assert.ThrowsAsync<RpcException>(() => keyService.GetCustomerKeyAsync(request, adminToken).ResponseAsync);
        var served = await keyService.GetCustomerKeyAsync(request, IdentityTestHost.Bearer(await identity.ServiceTokenAsync(ServiceNames.Notification)));

        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, ownCustomer.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, admin.StatusCode);
        Assert.Equal(key, served);
    }

    [Fact]
    public async Task A_sealed_value_cannot_be_opened_under_another_customers_key()
    {
        await using var directory = await ServiceHost.StartAsync(ServiceApps.Directory, new Dictionary<string, string?> { ["Redis:Configuration"] = redis.Configuration });
        var keys = directory.Services.GetRequiredService<ICustomerKeyStore>();
        var mine = await keys.GetOrCreateForCustomerAsync(CustomerIds.Named("c-1"), CancellationToken.None);
        var theirs = await keys.GetOrCreateForCustomerAsync(CustomerIds.Named("c-2"), CancellationToken.None);
        var sealedProfile = PersonalDataSealer.Seal(mine, new CustomerProfile { Address = Address });

        var forged = sealedProfile.Clone();
        forged.KeyId = theirs.KeyId;

        var sealer = new PersonalDataSealer(directory.Services.GetRequiredService<ICustomerKeyProvider>());
        Assert.Equal(Address, (await sealer.UnsealAsync(sealedProfile, CustomerProfile.Parser, CancellationToken.None)).Address);
        await Assert.ThrowsAnyAsync<System.Security.Cryptography.CryptographicException>(() => sealer.UnsealAsync(forged, CustomerProfile.Parser, CancellationToken.None));
    }

    private static void AssertAbsent(byte[] haystack, string where)
    {
        Assert.True(haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Address)) < 0, $"the address is readable in {where}");
        Assert.True(haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Name)) < 0, $"the name is readable in {where}");
    }

    public sealed class Profiles
    {
        public ConcurrentDictionary<string, (string Address, string Name)> ByCustomer { get; } = new();
    }

    public sealed class ProfileHandler(PersonalDataSealer sealer, Profiles profiles) : IIntegrationEventHandler<CustomerCreated>
    {
        public async Task HandleAsync(CustomerCreated message, EventContext context, CancellationToken cancellationToken)
        {
            var profile = await sealer.UnsealAsync(message.Profile, CustomerProfile.Parser, cancellationToken);
            profiles.ByCustomer[message.CustomerId] = (profile.Address, profile.DisplayName);
        }
    }
}
