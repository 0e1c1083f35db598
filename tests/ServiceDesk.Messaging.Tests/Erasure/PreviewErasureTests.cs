using Grpc.Core;
using ServiceDesk.Contracts.Erasure.V1;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Messaging.Tests.Erasure;

[Collection(RedisCollection.Name)]
public sealed class PreviewErasureTests(RedisFixture redis) : ProbeStreamTests(redis)
{
    [Fact]
    public async Task Only_Directorys_service_identity_gets_the_dry_run_and_it_changes_nothing()
    {
        await using var identity = await IdentityTestHost.StartAsync(RedisConfiguration);
        var dataDirectory = TestDirectory.Create("participant");
        ErasureProbes.SeedNotes(dataDirectory, CustomerIds.Named("cust-1"), "a", "b");
        var control = new ProbeControl();
        await using var participant = await ServiceHost.StartAsync(
            ErasureProbes.Service(control), ErasureProbes.Settings(RedisConfiguration, Prefix).TrustingIdentity(identity), dataDirectory);
        var client = new ErasureParticipantService.ErasureParticipantServiceClient(participant.Channel);
        var request = Request(CustomerIds.Named("cust-1"));

        for (var run = 0; run < 2; run++)
        {
            var preview = await client.PreviewErasureAsync(request, IdentityTestHost.Bearer(await identity.ServiceTokenAsync(ServiceNames.Directory)));
            Assert.Equal(ErasureProbes.Participant, preview.Service);
            Assert.Equal(2, preview.Counts[ProbeErasure.NotesDeleted]);
        }

        Assert.Equal(0, control.Erasures);
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => client.PreviewErasureAsync(request));
        foreach (var service in new[] { ServiceNames.Ticketing, ServiceNames.Notification, ServiceNames.Identity, ServiceNames.Gateway })
        {
            await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => client.PreviewErasureAsync(request, IdentityTestHost.Bearer(identity.ServiceTokenAsync(service).Result)));
        }

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => client.PreviewErasureAsync(request, IdentityTestHost.Bearer(identity.AdminTokenAsync().Result)));
        var customer = await identity.NewSignedInAsync(Role.Customer, CustomerIds.Named("cust-1"));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => client.PreviewErasureAsync(request, IdentityTestHost.Bearer(customer.AccessToken)));
    }

    [Fact]
    public async Task Bad_input_is_refused_with_field_violations_before_anything_else()
    {
        await using var identity = await IdentityTestHost.StartAsync(RedisConfiguration);
        await using var participant = await ServiceHost.StartAsync(
            ErasureProbes.Service(new ProbeControl()), ErasureProbes.Settings(RedisConfiguration, Prefix).TrustingIdentity(identity));
        var client = new ErasureParticipantService.ErasureParticipantServiceClient(participant.Channel);
        var directory = IdentityTestHost.Bearer(await identity.ServiceTokenAsync(ServiceNames.Directory));

        (PreviewErasureRequest Request, string Field)[] cases =
        [
            (Request(""), "customer_id"),
            (Request(new string('c', 65)), "customer_id"),
            (new PreviewErasureRequest(Request(CustomerIds.Named("cust-1"))) { Mode = (ErasureMode)7 }, "mode"),
            (new PreviewErasureRequest(Request(CustomerIds.Named("cust-1"))) { AddressHash = "not-a-hash" }, "address_hash"),
            (new PreviewErasureRequest(Request(CustomerIds.Named("cust-1"))) { SuccessorCustomerId = new string('s', 65) }, "successor_customer_id"),
            (new PreviewErasureRequest(Request(CustomerIds.Named("cust-1"))) { SuccessorCustomerId = CustomerIds.Named("cust-1") }, "successor_customer_id"),
        ];
        foreach (var (request, field) in cases)
        {
            var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => client.PreviewErasureAsync(request, directory));
            Assert.Equal([field], error.Fields());
            // Validation comes first: a caller without a token learns the same.
            await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => client.PreviewErasureAsync(request));
        }

        // Unspecified mode, no address hash and no successor are accepted.
        await client.PreviewErasureAsync(new PreviewErasureRequest { CustomerId = CustomerIds.Named("cust-1") }, directory);
    }

    private static PreviewErasureRequest Request(string customerId) => new()
    {
        CustomerId = customerId,
        Mode = ErasureMode.Purge,
        AddressHash = ErasedAddressHash.Compute(Convert.FromBase64String(ServiceHost.TombstonePepper), "someone@example.com"),
    };
}
