using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ServiceDesk.Directory.Customers;

namespace ServiceDesk.Directory.Suggestions;

/// <summary>
/// The normalised keys a customer is found by, one set per project the customer belongs to, so every
/// look-up is a prefix range in one project. A key is "PROJECT KIND TERM": KIND <c>e</c> is the whole
/// address (equality only), <c>n</c> each suffix of the display name that starts at a word ("jose alvarez",
/// "alvarez", so "jose alv" matches too), <c>a</c> the address, its local part and its domain. Terms are
/// case-folded with diacritics removed, so "José Álvarez" is found by "jose" and "ALV".
/// </summary>
public static partial class SearchKeys
{
    private const int SortKeyLength = 64;

    private const char ExactAddressKind = 'e';
    private const char NameWordKind = 'n';
    private const char AddressPartKind = 'a';

    public static IReadOnlyList<string> For(Customer customer) => For(customer.Address, customer.DisplayName, customer.ProjectKeys);

    public static IReadOnlyList<string> For(CustomerSummary customer) => For(customer.Address, customer.DisplayName, customer.ProjectKeys);

    private static IReadOnlyList<string> For(string customerAddress, string displayName, IReadOnlyList<string> projectKeys)
    {
        var address = Fold(customerAddress);
        var at = address.LastIndexOf('@');
        var terms = new HashSet<(char Kind, string Term)>
        {
            (ExactAddressKind, address),
            (AddressPartKind, address),
            (AddressPartKind, address[..at]),
            (AddressPartKind, address[(at + 1)..]),
        };
        var words = Words(displayName);
        for (var i = 0; i < words.Length; i++)
        {
            terms.Add((NameWordKind, string.Join(' ', words[i..])));
        }

        return [.. from project in projectKeys from term in terms select Key(project, term.Kind, term.Term)];
    }

    /// <summary>
    /// The order suggestions of one kind are ranked in within a project: by the folded display name (its first
    /// <see cref="SortKeyLength"/> characters, which keeps index keys within LiteDB's 1,023 bytes), then id.
    /// </summary>
    public static string NameOrder(string projectKey, Customer customer) => NameOrder(projectKey, SortKey(customer.DisplayName), customer.Id);

    /// <summary>"PROJECT␁SORT KEY␁ID": the separator sorts before every character of a name, so "Jo" comes before "Jo Ann".</summary>
    public static string NameOrder(string projectKey, string sortKey, string customerId) => $"{NameOrderPrefix(projectKey)}{sortKey}\u0001{customerId}";

    public static string NameOrderPrefix(string projectKey) => $"{projectKey}\u0001";

    public static string SortKey(string displayName) => SortName(displayName) is var name && name.Length > SortKeyLength ? name[..SortKeyLength] : name;

    public static SearchKeyMatch? ExactAddress(string projectKey, string text) =>
        Fold(text) is { Length: > 0 } term ? new SearchKeyMatch(Key(projectKey, ExactAddressKind, term), IsPrefix: false) : null;

    public static SearchKeyMatch? NameWordPrefix(string projectKey, string text) =>
        SortName(text) is { Length: > 0 } term ? new SearchKeyMatch(Key(projectKey, NameWordKind, term), IsPrefix: true) : null;

    public static SearchKeyMatch? AddressPrefix(string projectKey, string text) =>
        Fold(text) is { Length: > 0 } term ? new SearchKeyMatch(Key(projectKey, AddressPartKind, term), IsPrefix: true) : null;

    private static string SortName(string displayName) => string.Join(' ', Words(displayName));

    private static string Key(string projectKey, char kind, string term) => $"{projectKey} {kind} {term}";

    private static string[] Words(string text) => [.. Word().Matches(Fold(text)).Select(match => match.Value)];

    [GeneratedRegex(@"[\p{L}\p{M}\p{N}]+")]
    private static partial Regex Word();

    /// <summary>Trimmed, lower-cased, without diacritics: "  JOSÉ " becomes "jose", whether É is one character or E and a combining accent.</summary>
    private static string Fold(string text)
    {
        var trimmed = text.Trim();
        var folded = new StringBuilder(trimmed.Length);
        foreach (var c in trimmed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                folded.Append(char.ToLowerInvariant(Diacritics.BaseLetter(c)));
            }
        }

        return folded.ToString();
    }
}

/// <summary>What a stored search key must equal, or start with when <see cref="IsPrefix"/>.</summary>
public readonly record struct SearchKeyMatch(string Key, bool IsPrefix)
{
    public bool Matches(string storedKey) =>
        IsPrefix ? storedKey.StartsWith(Key, StringComparison.Ordinal) : string.Equals(storedKey, Key, StringComparison.Ordinal);
}
