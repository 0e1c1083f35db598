using System.Security.Cryptography;
using Google.Protobuf;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Hosting.KeyProtection;

namespace ServiceDesk.Directory.Keys;

/// <summary>
/// A new customer's key, made but not stored: the customer store writes it in the transaction that inserts the
/// customer (<see cref="Customers.ICustomerStore.InsertAsync(Customers.Customer, NewCustomerKey?, IReadOnlyList{Messaging.Publishing.OutgoingEvent}, CancellationToken)"/>),
/// so a create costs one transaction and an insert that fails leaves no key behind.
/// </summary>
/// <param name="Key">The key in clear, to seal the customer's events with.</param>
/// <param name="WrappedKey">The key as stored, wrapped under the KEK <paramref name="KekId"/> names.</param>
public sealed record NewCustomerKey(CustomerKey Key, byte[] WrappedKey, string? KekId, DateTimeOffset CreatedAt)
{
    public static NewCustomerKey Create(string customerId, KeyWrapper wrapper, DateTimeOffset now)
    {
        var id = Guid.CreateVersion7(now).ToString("N");
        var key = RandomNumberGenerator.GetBytes(32);
        return new NewCustomerKey(
            new CustomerKey { KeyId = id, CustomerId = customerId, Key = ByteString.CopyFrom(key) },
            wrapper.Wrap(key, CustomerKeyPurpose.Of(id)),
            wrapper.CurrentKeyId,
            now);
    }
}
