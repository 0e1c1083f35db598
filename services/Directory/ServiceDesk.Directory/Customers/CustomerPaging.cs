using System.Buffers.Text;
using System.Text;
using ServiceDesk.Hosting.Errors;

namespace ServiceDesk.Directory.Customers;

public sealed record CustomerPage(IReadOnlyList<Customer> Customers, string NextPageToken);

/// <summary>
/// Pages of customers in address order. A page token names the last customer of the previous page by id, not
/// by address, so no personal data travels in tokens (which end up in URLs); the next page starts after that
/// customer's current address.
/// </summary>
public static class CustomerPaging
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public static async Task<CustomerPage> ReadAsync(
        ICustomerStore customers, int pageSize, string pageToken, Func<string?, int, Task<IReadOnlyList<Customer>>> listAfterAddress, CancellationToken cancellationToken)
    {
        var size = pageSize == 0 ? DefaultPageSize : pageSize;
        var afterAddress = pageToken.Length == 0 ? null : (await PreviousLastAsync(customers, pageToken, cancellationToken)).Address;
        var found = await listAfterAddress(afterAddress, size + 1);
        return found.Count > size
            ? new CustomerPage([.. found.Take(size)], Base64Url.EncodeToString(Encoding.UTF8.GetBytes(found[size - 1].Id)))
            : new CustomerPage(found, string.Empty);
    }

    private static async Task<Customer> PreviousLastAsync(ICustomerStore customers, string pageToken, CancellationToken cancellationToken)
    {
        var id = Base64Url.IsValid(pageToken) ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(pageToken)) : null;
        return (id is null ? null : await customers.GetAsync(id, cancellationToken))
            ?? throw new ValidationException("page_token", "is not a token from a previous response, or its customer no longer exists");
    }
}
