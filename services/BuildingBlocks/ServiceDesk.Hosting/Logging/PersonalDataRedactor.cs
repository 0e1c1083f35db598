using System.Text.RegularExpressions;

namespace ServiceDesk.Hosting.Logging;

/// <summary>
/// The safety net behind the rule that logs carry ids, never addresses or names: anything shaped like an
/// e-mail address (also URL-encoded, as in a logged query string) is replaced before a line is written.
/// Names cannot be recognised by shape, so code never passes them to a logger.
/// </summary>
public static partial class PersonalDataRedactor
{
    public const string Replacement = "[redacted-address]";

    public static string Redact(string text) =>
        text.Contains('@') || text.Contains("%40", StringComparison.OrdinalIgnoreCase)
            ? AddressPattern().Replace(text, Replacement)
            : text;

    // Before an '@' the local part may hold any character an address may (EmailAddress accepts RFC 5322's atext), so no
    // part of it is left beside the replacement; before a '%40' the other atext characters would be percent-encoded too,
    // and leaving them out keeps a query string's other parameters readable.
    [GeneratedRegex(@"(?:[\p{L}\p{N}!#$%&'*+\-/=?^_`{|}~.]+@|[\p{L}\p{N}._%+\-']+%40)[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AddressPattern();
}
