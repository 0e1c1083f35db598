using System.Globalization;
using System.Text;

namespace ServiceDesk.Hosting.Validation;

/// <summary>
/// A normalised e-mail address: trimmed, Unicode-normalised (NFC) and case-folded (<see cref="CaseFolding"/>), its domain
/// in one spelling of its host (<see cref="CanonicalDomain"/>), so the same mailbox always has one spelling for
/// uniqueness, look-ups and keyed hashes.
/// </summary>
public readonly record struct EmailAddress
{
    public const int MaxLength = 254;
    private const int MaxLocalPartLength = 64;

    private EmailAddress(string value, int at) => (Value, _at) = (value, at);

    private readonly int _at;

    public string Value { get; }

    public string LocalPart => Value[.._at];

    public string Domain => Value[(_at + 1)..];

    public override string ToString() => Value;

    /// <summary>
    /// The mailbox this subaddress is delivered to (RFC 5233, as most mail providers deliver it: <c>jane+desk@example.com</c>
    /// reaches <c>jane@example.com</c>): the address without what follows its local part's first <c>+</c>; null for an
    /// address without one.
    /// </summary>
    public EmailAddress? WithoutSubaddress =>
        LocalPart.IndexOf('+') is > 0 and var plus && TryParse($"{LocalPart[..plus]}@{Domain}", out var mailbox) ? mailbox : null;

    public static EmailAddress Parse(string value) =>
        TryParse(value, out var address) ? address : throw new FormatException("Not an e-mail address.");

    public static bool TryParse(string? value, out EmailAddress address)
    {
        address = default;
        // Bounded as sent, before trimming and normalising work through it.
        if (value is null || value.Length > MaxLength)
        {
            return false;
        }

        var folded = CaseFolding.Fold(value.Trim().Normalize(NormalizationForm.FormC));
        var at = folded.IndexOf('@');
        if (at < 1 || at > MaxLocalPartLength || at != folded.LastIndexOf('@') || CanonicalDomain(folded[(at + 1)..]) is not { } host)
        {
            return false;
        }

        var normalised = $"{folded[..at]}@{host}";
        if (normalised.Length > MaxLength)
        {
            return false;
        }

        var local = normalised.AsSpan(0, at);
        var domain = normalised.AsSpan(at + 1);
        if (!IsValidLocalPart(local) || !IsValidDomain(domain))
        {
            return false;
        }

        address = new EmailAddress(normalised, at);
        return true;
    }

    /// <summary>
    /// The host as mail reaches it: an internationalised domain mapped by IDNA (UTS #46: full-width letters, letter case,
    /// an A-label <c>xn--…</c>) to its Unicode form, so <c>bücher.example</c>, <c>xn--bcher-kva.example</c> and
    /// <c>ｂücher.example</c> are one host, as an MTA delivers them (an erased address must not come back under another
    /// spelling of its domain); null when IDNA refuses it. A plain ASCII domain is itself.
    /// </summary>
    private static string? CanonicalDomain(string domain)
    {
        if (System.Text.Ascii.IsValid(domain) && !domain.Contains("xn--", StringComparison.Ordinal))
        {
            return domain;
        }

        try
        {
            var idna = new IdnMapping();
            return CaseFolding.Fold(idna.GetUnicode(idna.GetAscii(domain)));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static bool IsValidLocalPart(ReadOnlySpan<char> local)
    {
        if (local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in local)
        {
            var ok = char.IsLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~.".Contains(c, StringComparison.Ordinal);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsValidDomain(ReadOnlySpan<char> domain)
    {
        if (domain.Length is 0 or > 253 || !domain.Contains('.'))
        {
            return false;
        }

        foreach (var label in domain.ToString().Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!(char.IsLetterOrDigit(c) || c == '-'))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
