using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Directory.Keys;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Removal.Tests;

/// <summary>
/// Directory's store restored from a backup taken before removals: at start it applies them again from the "erasure"
/// stream, so the customers do not come back, their keys stay destroyed, their addresses stay tombstoned, and a
/// reinstatement made after the backup holds again; a request still open in the backup, whose receipts came after it,
/// completes again.
/// </summary>
public sealed class DirectoryRestoreTests : IAsyncLifetime
{
    private readonly RemovalSystem _system = new();

    public Task InitializeAsync() => _system.InitializeAsync();

    public Task DisposeAsync() => _system.DisposeAsync();

    [Fact]
    public async Task A_restored_Directory_removes_again_the_customers_removed_since_its_backup()
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        var project = await _system.NewProjectAsync();
        var jane = await NewCustomerAsync(project, $"Jane Restored{unique}", $"jane.{unique}@example.org");
        var bob = await NewCustomerAsync(project, $"Bob Returns{unique}", $"bob.{unique}@example.org");
        var ann = await NewCustomerAsync(project, $"Ann Asked{unique}", $"ann.{unique}@example.org");
        var carl = await NewCustomerAsync(project, $"Carl Pending{unique}", $"carl.{unique}@example.org");
        var asAnn = await _system.NewSignedInAsync(Role.Customer, ann.Id);
        var annsRequest = await _system.Erasures.RequestOwnRemovalAsync(new RequestOwnRemovalRequest { Mode = ErasureMode.Anonymize }, asAnn);
        var keys = _system.Directory.Services.GetRequiredService<ICustomerKeyStore>();
        var janesKey = (await keys.GetOrCreateForCustomerAsync(jane.Id, CancellationToken.None)).KeyId;
        // The backup is taken while Carl's removal waits for Ticketing and Notification.
        var (carls, backup) = (string.Empty, string.Empty);
        await _system.WithTicketingAndNotificationStoppedAsync(async () =>
        {
            carls = await RemoveAsync(carl.Id);
            backup = await _system.BackUpDirectoryAsync();
        });
        await _system.WaitForCompletionAsync(carls);

        // Since the backup: Jane and Bob removed, Ann's own request approved, Bob's address given back.
        var janes = await RemoveAsync(jane.Id);
        var bobs = await RemoveAsync(bob.Id);
        await _system.Erasures.ApproveErasureAsync(new ApproveErasureRequest { ErasureId = annsRequest.Id }, _system.Admin);
        foreach (var erasureId in new[] { janes, bobs, annsRequest.Id })
        {
            await _system.WaitForCompletionAsync(erasureId);
        }

        await _system.Erasures.ReinstateAddressAsync(new ReinstateAddressRequest { ErasureId = bobs, Reason = ReinstatementReason.CustomerReturned }, _system.Admin);

        await _system.RestoreDirectoryAsync(backup);

        foreach (var removed in new[] { jane, bob, ann })
        {
            await Eventually.WaitForAsync(
                () => RpcAssert.StatusOfAsync(() => _system.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = removed.Id }, _system.Admin).ResponseAsync),
                status => status == StatusCode.NotFound,
                "the restored Directory to remove the customer again");
        }

        Assert.Empty((await _system.Customers.SuggestCustomersAsync(new SuggestCustomersRequest { ProjectKey = project, Text = $"Jane Restored{unique}", Limit = 10 }, _system.Admin)).Suggestions);
        Assert.NotNull((await _system.Directory.Services.GetRequiredService<ICustomerKeyStore>().FindAsync(janesKey, CancellationToken.None))!.Destroyed);
        Assert.Equal(
            StatusCode.FailedPrecondition,
            await RpcAssert.StatusOfAsync(() => _system.Customers.CreateCustomerAsync(new CreateCustomerRequest { Address = jane.Address, DisplayName = "Someone Else", ProjectKeys = { project } }, _system.Admin).ResponseAsync));
        await _system.Customers.CreateCustomerAsync(new CreateCustomerRequest { Address = bob.Address, DisplayName = "Bob Again", ProjectKeys = { project } }, _system.Admin);

        // The requests are listed again, and complete again: the others answer from their ledgers.
        var janesAgain = await _system.WaitForCompletionAsync(janes, "the re-applied request's receipts");
        Assert.Equal(ErasureMode.Anonymize, janesAgain.Mode);
        var annsAgain = await _system.WaitForCompletionAsync(annsRequest.Id, "the re-applied request's receipts");
        Assert.Equal(annsRequest.RequestedBy, annsAgain.RequestedBy);
        Assert.NotNull((await _system.Erasures.GetErasureAsync(new GetErasureRequest { ErasureId = bobs }, _system.Admin)).Reinstatement);
        // Carl's request, open in the backup, is asked again of those it was waiting for; the restored key of his final
        // profile goes once they are done.
        await _system.WaitForCompletionAsync(carls, "the restored open request's receipts");
        var carlsKey = (await _system.CommandAsync(carls)).FinalProfile.KeyId;
        Assert.NotNull((await _system.Directory.Services.GetRequiredService<ICustomerKeyStore>().FindAsync(carlsKey, CancellationToken.None))!.Destroyed);

        var leftovers = await _system.ScanAsync(jane.DisplayName, jane.Address, ann.DisplayName, ann.Address);
        Assert.True(leftovers.Count == 0, $"Left at rest:\n{string.Join('\n', leftovers.Take(20))}");
    }

    [SkippableFact]
    public async Task A_restored_Directory_answers_nothing_but_health_until_it_has_removed_them_again()
    {
        Skip.IfNot(_system.OwnsRedis, "Takes XRANGE away from every client of the server: needs a redis-server of its own, not REDIS_URL's.");
        var unique = Guid.NewGuid().ToString("N")[..8];
        var project = await _system.NewProjectAsync();
        var jane = await NewCustomerAsync(project, $"Jane Restored{unique}", $"jane.{unique}@example.org");
        var backup = await _system.BackUpDirectoryAsync();
        await _system.WaitForCompletionAsync(await RemoveAsync(jane.Id));

        // The replay cannot read the erasure stream, so it is still not done when Directory starts listening.
        await using var redis = await _system.ConnectRedisAsync();
        await redis.GetDatabase().ExecuteAsync("ACL", "SETUSER", "default", "-xrange");
        try
        {
            await _system.RestoreDirectoryAsync(backup);

            var refused = await Assert.ThrowsAsync<RpcException>(() => _system.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = jane.Id }, _system.Admin).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
            Assert.Contains("applying removals missing from the store again", refused.Status.Detail, StringComparison.Ordinal);
            Assert.Equal(
                StatusCode.Unavailable,
                await RpcAssert.StatusOfAsync(() => _system.Customers.SuggestCustomersAsync(new SuggestCustomersRequest { ProjectKey = project, Text = "Jane", Limit = 10 }, _system.Admin).ResponseAsync));
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await _system.Directory.HealthAsync());
        }
        finally
        {
            await redis.GetDatabase().ExecuteAsync("ACL", "SETUSER", "default", "+xrange");
        }

        await Eventually.WaitForAsync(
            () => RpcAssert.StatusOfAsync(() => _system.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = jane.Id }, _system.Admin).ResponseAsync),
            status => status == StatusCode.NotFound,
            "the restored Directory to remove the customer again once it can read the erasure stream");
    }

    private Task<Customer> NewCustomerAsync(string project, string displayName, string address) =>
        _system.Customers.CreateCustomerAsync(new CreateCustomerRequest { Address = address, DisplayName = displayName, ProjectKeys = { project } }, _system.Admin).ResponseAsync;

    private async Task<string> RemoveAsync(string customerId) =>
        (await _system.Erasures.RemoveCustomerAsync(
            new RemoveCustomerRequest { CustomerId = customerId, Mode = ErasureMode.Anonymize, Reason = ErasureReason.ContactMoved }, _system.Admin)).Id;
}
