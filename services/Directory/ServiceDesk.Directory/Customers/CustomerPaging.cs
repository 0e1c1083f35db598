using ServiceDesk.Hosting.Errors;
using ServiceDesk.Hosting.KeyProtection;
using ServiceDesk.Hosting.Paging;

namespace ServiceDesk.Directory.Customers;

public sealed record CustomerPage(IReadOnlyList<Customer> Customers, string NextPageToken);

/// <summary>
/// Pages of customers in address order. A page token names the last customer of the previous page by id, opaque
/// and bound to the caller and the query (<see cref="PageTokens"/>): no personal data in URLs, and a token that was
/// forged, altered, or issued to another caller or for another query is refused the same way whatever id it names.
/// The next page starts after that customer's current address, while the query still lists them: one who left it
/// (moved out of the project or organization, or removed) ends the token as an unknown one would, so a kept token
/// tells nothing of where a customer went or whether they were removed.
/// </summary>
public sealed class CustomerPaging(ICustomerStore customers, KeyWrapper keys)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    private readonly PageTokens _tokens = new(keys, "servicedesk.directory page tokens");

    /// <param name="scope">The caller and query the tokens are bound to.</param>
    /// <param name="listed">Whether the query, for this caller, lists the customer now.</param>
    public async Task<CustomerPage> ReadAsync(
        int pageSize,
        string pageToken,
        string scope,
        Func<Customer, bool> listed,
        Func<string?, int, Task<IReadOnlyList<Customer>>> listAfterAddress,
        CancellationToken cancellationToken)
    {
        var size = pageSize == 0 ? DefaultPageSize : pageSize;
        var afterAddress = pageToken.Length == 0 ? null : (await PreviousLastAsync(pageToken, scope, listed, cancellationToken)).Address;
        var found = await listAfterAddress(afterAddress, size + 1);
        return found.Count > size
            ? new CustomerPage([.. found.Take(size)], _tokens.Issue(found[size - 1].Id, scope))
            : new CustomerPage(found, string.Empty);
    }

    private async Task<Customer> PreviousLastAsync(string pageToken, string scope, Func<Customer, bool> listed, CancellationToken cancellationToken) =>
        (_tokens.PositionOf(pageToken, scope) is { } id && await customers.GetAsync(id, cancellationToken) is { } customer && listed(customer) ? customer : null)
            ?? throw new ValidationException("page_token", "is not a token from a previous response to this caller and query, or the list changed under it; start again without one");
}
