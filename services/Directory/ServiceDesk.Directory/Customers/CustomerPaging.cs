using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Hosting.KeyProtection;

namespace ServiceDesk.Directory.Customers;

public sealed record CustomerPage(IReadOnlyList<Customer> Customers, string NextPageToken);

/// <summary>
/// Pages of customers in address order. A page token names the last customer of the previous page by id,
/// encrypted and authenticated (AES-256-GCM under a key derived from the key-encryption key) together with its
/// scope: the caller and the query. So a token shows nothing (no personal data in URLs, no id), and one that
/// was forged, altered, or issued to another caller or for another query is refused the same way whatever id
/// it names. The next page starts after that customer's current address.
/// </summary>
public sealed class CustomerPaging(ICustomerStore customers, KeyWrapper keys)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    private readonly KeyWrapper _tokens = keys.Derive("servicedesk.directory page tokens");

    /// <param name="scope">The caller and query the tokens are bound to.</param>
    public async Task<CustomerPage> ReadAsync(
        int pageSize, string pageToken, string scope, Func<string?, int, Task<IReadOnlyList<Customer>>> listAfterAddress, CancellationToken cancellationToken)
    {
        var size = pageSize == 0 ? DefaultPageSize : pageSize;
        var afterAddress = pageToken.Length == 0 ? null : (await PreviousLastAsync(pageToken, scope, cancellationToken)).Address;
        var found = await listAfterAddress(afterAddress, size + 1);
        return found.Count > size
            ? new CustomerPage([.. found.Take(size)], Base64Url.EncodeToString(_tokens.Wrap(Encoding.UTF8.GetBytes(found[size - 1].Id), scope)))
            : new CustomerPage(found, string.Empty);
    }

    private async Task<Customer> PreviousLastAsync(string pageToken, string scope, CancellationToken cancellationToken) =>
        (PreviousLastId(pageToken, scope) is { } id ? await customers.GetAsync(id, cancellationToken) : null)
            ?? throw new ValidationException("page_token", "is not a token from a previous response to this caller and query, or its customer no longer exists");

    private string? PreviousLastId(string pageToken, string scope)
    {
        if (!Base64Url.IsValid(pageToken))
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(_tokens.Unwrap(Base64Url.DecodeFromChars(pageToken), scope));
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
