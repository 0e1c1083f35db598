using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Directory.V1;
using ErasureMode = ServiceDesk.Contracts.Events.V1.ErasureMode;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Testing;
using StackExchange.Redis;

namespace ServiceDesk.Notification.Tests.Erasure;

/// <summary>Removal commands as Directory appends them, and Notification's receipts.</summary>
internal static class Erasures
{
    public static CustomerErasureRequested Command(Customer customer) => new()
    {
        RequestId = $"er-{Guid.NewGuid():N}",
        CustomerId = customer.Id,
        Mode = ErasureMode.Anonymize,
        AddressHash = HashOf(customer.Address),
        Participants = { ServiceNames.Identity, ServiceNames.Ticketing, ServiceNames.Notification },
        Pseudonym = "Former customer 7F3A",
    };

    public static string HashOf(string address) => ErasedAddressHash.Compute(Convert.FromBase64String(ServiceHost.TombstonePepper), address);

    /// <summary>Appends the command from Directory's host, as the coordinator does, and waits for Notification's receipt.</summary>
    public static async Task<ErasureReceipt> EraseAsync(NotificationHosts hosts, CustomerErasureRequested command)
    {
        await hosts.Directory.Services.GetRequiredService<IntegrationEvents>().PublishAsync(command, CancellationToken.None);
        return await Eventually.WaitForAsync(
            () => ReceiptAsync(hosts, command.RequestId),
            receipt => receipt is not null,
            $"Notification's receipt of {command.RequestId}",
            TimeSpan.FromSeconds(60)) ?? throw new InvalidOperationException("No receipt.");
    }

    private static async Task<ErasureReceipt?> ReceiptAsync(NotificationHosts hosts, string requestId)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(hosts.Redis);
        var entries = await redis.GetDatabase().StreamRangeAsync(new StreamKeys(hosts.Prefix, "erasure-receipts").Stream);
        return entries
            .Select(entry => EventEnvelope.Parser.ParseFrom((byte[])entry[EventStreams.EnvelopeField]!).Payload.Unpack<ErasureReceipt>())
            .FirstOrDefault(receipt => receipt.RequestId == requestId && receipt.Service == ServiceNames.Notification);
    }
}
