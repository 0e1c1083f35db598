using System.Globalization;
using ServiceDesk.Directory.Customers;
using ServiceDesk.Hosting.Validation;
using SuggestionMatch = ServiceDesk.Contracts.Directory.V1.SuggestionMatch;

namespace ServiceDesk.Directory.Suggestions;

/// <summary>
/// The normalised keys a customer is found by, one set per project the customer belongs to, so every
/// look-up is a prefix range in one project. A key is "PROJECT KIND TERM": KIND <c>e</c> is the whole
/// address (equality only), <c>n</c> each suffix of the display name that starts at a word ("jose alvarez",
/// "alvarez", so "jose alv" matches too), <c>a</c> the address, its local part and its domain. Terms are
/// case-folded with diacritics removed, so "José Álvarez" is found by "jose" and "ALV".
/// </summary>
public static class SearchKeys
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
        var words = Words(Fold(displayName));
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

    /// <summary>
    /// The look-ups for a picker's text, best kind first: the whole address, a name-word prefix, an address prefix. The
    /// text is folded once for all three; a kind it holds no term for (no letter or digit for a name) is left out.
    /// </summary>
    public static IReadOnlyList<(SuggestionMatch Match, SearchKeyMatch Key)> LookUps(string projectKey, string text)
    {
        var folded = Fold(text);
        if (folded.Length == 0)
        {
            return [];
        }

        var lookUps = new List<(SuggestionMatch, SearchKeyMatch)>(3) { (SuggestionMatch.ExactAddress, new SearchKeyMatch(Key(projectKey, ExactAddressKind, folded), IsPrefix: false)) };
        if (NameTerm(folded) is { Length: > 0 } name)
        {
            lookUps.Add((SuggestionMatch.NameWordPrefix, new SearchKeyMatch(Key(projectKey, NameWordKind, name), IsPrefix: true)));
        }

        lookUps.Add((SuggestionMatch.AddressPrefix, new SearchKeyMatch(Key(projectKey, AddressPartKind, folded), IsPrefix: true)));
        return lookUps;
    }

    private static string SortName(string displayName) => NameTerm(Fold(displayName));

    /// <summary>A folded text's words, one space between them: a name as it is sorted and looked up.</summary>
    private static string NameTerm(string folded) => string.Join(' ', Words(folded));

    private static string Key(string projectKey, char kind, string term) => $"{projectKey} {kind} {term}";

    /// <summary>The runs of letters, combining marks and digits (<c>[\p{L}\p{M}\p{N}]+</c>, one UTF-16 unit at a time) of a folded text.</summary>
    private static string[] Words(string folded)
    {
        var words = new List<string>();
        for (var at = 0; at < folded.Length;)
        {
            var start = at;
            while (at < folded.Length && IsWordCharacter(folded[at]))
            {
                at++;
            }

            if (at > start)
            {
                words.Add(folded[start..at]);
            }
            else
            {
                at++;
            }
        }

        return [.. words];
    }

    private static bool IsWordCharacter(char c) => CharUnicodeInfo.GetUnicodeCategory(c) is
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
        or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
        or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;

    /// <summary>Trimmed, lower-cased, without diacritics: "  JOSÉ " becomes "jose", whether É is one character or E and a combining accent.</summary>
    private static string Fold(string text)
    {
        var trimmed = text.AsSpan().Trim();
        var folded = trimmed.Length <= 256 ? stackalloc char[trimmed.Length] : new char[trimmed.Length];
        var length = 0;
        foreach (var c in trimmed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                folded[length++] = char.ToLowerInvariant(Diacritics.BaseLetter(c));
            }
        }

        return new string(folded[..length]);
    }
}

/// <summary>What a stored search key must equal, or start with when <see cref="IsPrefix"/>.</summary>
public readonly record struct SearchKeyMatch(string Key, bool IsPrefix)
{
    public bool Matches(string storedKey) =>
        IsPrefix ? storedKey.StartsWith(Key, StringComparison.Ordinal) : string.Equals(storedKey, Key, StringComparison.Ordinal);
}
