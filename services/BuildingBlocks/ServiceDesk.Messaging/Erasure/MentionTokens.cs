using System.Buffers;
using System.Buffers.Text;
using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ServiceDesk.Hosting.Validation;
using ServiceDesk.Messaging.PersonalData;

namespace ServiceDesk.Messaging.Erasure;

/// <summary>
/// The index by which an erasure finds the texts naming a customer without reading every text, and without a
/// clear-text copy of any word: a text's tokens are keyed hashes (HMAC-SHA256 under the tombstone pepper, with a
/// purpose prefix, 8 bytes, base64url) of each of its words. A word is a run of letters, digits and combining marks in
/// the text's canonical spelling (<see cref="Canonical"/>: Unicode NFKC, upper case, ß as SS, no invisible format characters or marks,
/// every apostrophe and the ʻokina as <c>'</c>, the typographic hyphens and dashes as <c>-</c>), so that a name typed decomposed (as macOS keyboards write accents), in full-width letters,
/// in capitals with ẞ, with a typographic apostrophe (<c>O’Brien</c>) or with a dash for its hyphen (<c>Jean–Luc</c>) is the same name. A text
/// names a needle (an address or a display name) when it holds the needle so spelt, neither starting nor ending inside a word
/// (<see cref="Names(string, string)"/>); every such text holds the needle's <see cref="QueryTokens"/>, which find
/// it, and the finder confirms it by the text itself.
/// </summary>
public sealed partial class MentionTokens(TombstonePepper pepper)
{
    /// <summary>Raised whenever the tokens of a text change meaning, so stored ones are computed again.</summary>
    public const int Version = 9;

    /// <summary>A filter, not a proof: the finder confirms every record by its text, so a rare collision costs one read.</summary>
    private const int TokenBytes = 8;
    private static readonly byte[] Purpose = Encoding.UTF8.GetBytes("mention-token\n");

    /// <summary>Every token of the texts, once each.</summary>
    public IReadOnlyCollection<string> Of(IEnumerable<string?> texts)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            // Computed once per distinct word: a text repeats its words.
            words.UnionWith(IndexedWords(text ?? string.Empty));
        }

        return [.. words.Select(Token)];
    }

    /// <summary>
    /// The tokens every text naming <paramref name="needle"/> holds: those of its words, the longest word's first (likelier
    /// rare: an address's local part before its domain); empty when it has no word. A store looks up the rarest
    /// (<see cref="Rarest"/>) and checks the others.
    /// </summary>
    public IReadOnlyList<string> QueryTokens(string needle) =>
        [.. Words(needle).Distinct(StringComparer.Ordinal).OrderByDescending(word => word.Length).Select(Token)];

    /// <summary>
    /// Of <paramref name="tokens"/>, the one held by the fewest records, counted by <paramref name="countUpTo"/> in rounds
    /// of growing limits (<see cref="ProbeLimits"/>): each token only up to the round's limit and the fewest so far, and
    /// the first round in which a token falls short of the limit decides. A name's common words ("Bench", "Customer")
    /// then cost a few reads each before its rare one ("c17") is found, not a full probe each; when every token is that
    /// common, at most a third more reads than probing each once up to the last limit. A token held by one record at most
    /// ends the probe: reading that record costs no more than probing another token (an address's local part, looked up
    /// first, is usually held by the customer's own records alone).
    /// </summary>
    public static string Rarest(IReadOnlyList<string> tokens, Func<string, int, int> countUpTo)
    {
        if (tokens.Count == 1)
        {
            return tokens[0];
        }

        foreach (var limit in ProbeLimits)
        {
            var (rarest, fewest) = (tokens[0], limit);
            foreach (var token in tokens)
            {
                var count = countUpTo(token, fewest);
                if (count <= 1)
                {
                    return token;
                }

                if (count < fewest)
                {
                    (rarest, fewest) = (token, count);
                }
            }

            if (fewest < limit)
            {
                return rarest;
            }
        }

        return tokens[0];
    }

    private static readonly int[] ProbeLimits = [4, 16, 64];

    /// <summary>
    /// Whether <paramref name="text"/> holds <paramref name="needle"/> in any letter case, its spaces as any run of white
    /// space (a name typed with two spaces, a tab, a line break or a no-break space between its words is the name), neither
    /// starting nor ending inside a word (a needle without a word names nothing).
    /// </summary>
    public static bool Names(string text, string needle) => Occurrences(text, needle, wholeWordsOnly: true).Any();

    /// <summary>
    /// <paramref name="text"/> with every occurrence of <paramref name="needle"/> that <see cref="Names(string, string)"/>
    /// counts replaced by <paramref name="replacement"/>.
    /// </summary>
    public static string ReplaceWhole(string text, string needle, string replacement) =>
        Replace(text, Occurrences(text, needle, wholeWordsOnly: true), replacement);

    /// <summary>Whether <paramref name="text"/> holds <paramref name="needle"/>, inside words too, in any letter case and with its spaces as any run of white space.</summary>
    public static bool Holds(string text, string needle) => Occurrences(text, needle, wholeWordsOnly: false).Any();

    /// <summary>
    /// <paramref name="text"/> with every occurrence of <paramref name="needle"/>, inside words too, in any letter case and
    /// with its spaces as any run of white space, replaced by <paramref name="replacement"/>.
    /// </summary>
    public static string ReplaceAnywhere(string text, string needle, string replacement) =>
        Replace(text, Occurrences(text, needle, wholeWordsOnly: false), replacement);

    /// <summary>
    /// <paramref name="text"/> with every occurrence of each needle replaced by <paramref name="replacement"/>, as whole
    /// words (<see cref="ReplaceWhole"/>) or anywhere (<see cref="ReplaceAnywhere"/>) as each says; where occurrences
    /// overlap, the one starting first and, of those, the longest. Replaced one needle after another, the longest first,
    /// a spelling standing across two mentions (<c>Roe, Jane</c> in <c>Jane Roe, Jane Roe</c>) took a word of each and
    /// left the other two standing.
    /// </summary>
    public static string ReplaceEach(string text, IEnumerable<(string Needle, bool WholeWordsOnly)> needles, string replacement) =>
        Replace(
            text,
            needles.SelectMany(needle => Occurrences(text, needle.Needle, needle.WholeWordsOnly)).OrderBy(occurrence => occurrence.At).ThenByDescending(occurrence => occurrence.Length),
            replacement);

    private static string Replace(string text, IEnumerable<(int At, int Length)> occurrences, string replacement)
    {
        var replaced = new StringBuilder(text.Length);
        var copied = 0;
        foreach (var (at, length) in occurrences)
        {
            if (at < copied)
            {
                // Overlaps the occurrence just replaced.
                continue;
            }

            replaced.Append(text, copied, at - copied).Append(replacement);
            copied = at + length;
        }

        return copied == 0 ? text : replaced.Append(text, copied, text.Length - copied).ToString();
    }

    /// <summary>
    /// Where <paramref name="needle"/> stands in <paramref name="text"/>, and how long it is there (its spaces may stand as
    /// longer runs of white space): with <paramref name="wholeWordsOnly"/>, as <see cref="Names(string, string)"/> counts it.
    /// An address, either way, only where it is that mailbox (<see cref="IsThatMailbox"/>).
    /// </summary>
    private static IEnumerable<(int At, int Length)> Occurrences(string text, string needle, bool wholeWordsOnly)
    {
        if (!needle.EnumerateRunes().Any(IsWordRune))
        {
            // No token finds it: a needle without a word names nothing.
            yield break;
        }

        var upperNeedle = Canonical.Of(needle).Text;
        var parts = upperNeedle.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var address = AddressSpelt(needle);
        // Most texts are ASCII and hold no part of the needle: told without a copy of the text (an ASCII text's spelling
        // is its invariant upper case, which OrdinalIgnoreCase compares, and holds no other character). Of an address, its
        // local part, which a subaddress may follow.
        var probe = address is null ? parts[0] : LocalPartSpelt(parts[0]);
        if (Ascii.IsValid(text) && (!Ascii.IsValid(probe) || !text.Contains(probe, StringComparison.OrdinalIgnoreCase)))
        {
            yield break;
        }

        var canonical = Canonical.Of(text);
        var upperText = canonical.Text;
        var startsWithWord = Rune.DecodeFromUtf16(upperNeedle, out var first, out _) == OperationStatus.Done && IsWordRune(first);
        var endsWithWord = Rune.DecodeLastFromUtf16(upperNeedle, out var last, out _) == OperationStatus.Done && IsWordRune(last);
        IEnumerable<(int At, int End)> found = Found(canonical, parts);
        if (address is not null && parts.Length == 1 && Subaddresses(upperText) is { Count: > 0 } subaddresses)
        {
            // Few texts hold one: those are read whole, in the order the replacement needs.
            found = found.Concat(FoundAcrossSubaddresses(upperText, parts[0], subaddresses)).OrderBy(span => span.At).ThenByDescending(span => span.End).ToList();
        }

        foreach (var (at, end) in found)
        {
            // Where an invisible character separating words stands, a word ends.
            var joinsBefore = startsWithWord && at > 0 && !canonical.BreaksAt(at)
                && Rune.DecodeLastFromUtf16(upperText.AsSpan(0, at), out var before, out _) == OperationStatus.Done && IsWordRune(before);
            var joinsAfter = endsWithWord && end < upperText.Length && !canonical.BreaksAt(end) && Rune.TryGetRuneAt(upperText, end, out var after) && IsWordRune(after);
            var occurrence = canonical.InText(at, end);
            if ((!wholeWordsOnly || (!joinsBefore && !joinsAfter)) && (address is not { } mailbox || IsThatMailbox(text, occurrence, mailbox)))
            {
                yield return occurrence;
            }
        }
    }

    /// <summary>Where the needle's parts stand in the text's canonical spelling, one after another as <see cref="EndOf"/> finds them.</summary>
    private static IEnumerable<(int At, int End)> Found(Canonical canonical, string[] parts)
    {
        var upperText = canonical.Text;
        for (var at = upperText.IndexOf(parts[0], StringComparison.Ordinal); at >= 0; at = upperText.IndexOf(parts[0], at + 1, StringComparison.Ordinal))
        {
            if (EndOf(canonical, at + parts[0].Length, parts) is { } end)
            {
                yield return (at, end);
            }
        }
    }

    /// <summary>
    /// Where an address stands in the text's canonical spelling with a subaddress added to it (<c>jane+desk@example.com</c>
    /// for <c>jane@example.com</c>, <see cref="Subaddresses"/>): from its local part's first character to its domain's last.
    /// </summary>
    private static IEnumerable<(int At, int End)> FoundAcrossSubaddresses(string upperText, string address, IReadOnlyList<(int Start, int End)> subaddresses)
    {
        var without = new StringBuilder(upperText.Length);
        var positions = new List<int>(upperText.Length);
        var copied = 0;
        foreach (var (start, end) in subaddresses.Append((upperText.Length, upperText.Length)))
        {
            without.Append(upperText, copied, start - copied);
            positions.AddRange(Enumerable.Range(copied, start - copied));
            copied = end;
        }

        var text = without.ToString();
        for (var at = text.IndexOf(address, StringComparison.Ordinal); at >= 0; at = text.IndexOf(address, at + 1, StringComparison.Ordinal))
        {
            var (start, end) = (positions[at], positions[at + address.Length - 1] + 1);
            // One without a subaddress inside is found as it is.
            if (end - start > address.Length)
            {
                yield return (start, end);
            }
        }
    }

    /// <summary>An address as a needle spells it, up to its <c>@</c>, percent-encoded or not.</summary>
    private static string LocalPartSpelt(string address) =>
        address[..new[] { address.IndexOf('@'), address.IndexOf("%40", StringComparison.Ordinal), address.Length }.Where(at => at > 0).Min()];

    /// <summary>The longest subaddress (the tag after <c>+</c>) looked for: longer ones are not written by hand.</summary>
    private const int LongestSubaddress = 64;

    /// <summary>
    /// Where a text in its canonical spelling holds an address's subaddress: a <c>+</c> (percent-encoded <c>%2B</c>, or
    /// JSON-escaped <c>\u002B</c>) just after a local part's letter, digit, <c>.</c>, <c>-</c> or <c>_</c>, and the letters,
    /// digits, <c>.</c>, <c>-</c>, <c>_</c> and <c>=</c> after it up to the <c>@</c> (or <c>%40</c>); each from its
    /// <c>+</c> to its <c>@</c>. Linear: each <c>+</c> reads at most <see cref="LongestSubaddress"/> characters on.
    /// </summary>
    private static List<(int Start, int End)> Subaddresses(string upperText)
    {
        var found = new List<(int Start, int End)>();
        for (var plus = upperText.IndexOfAny(SubaddressStarts, Math.Min(1, upperText.Length)); plus > 0; plus = upperText.IndexOfAny(SubaddressStarts, plus + 1))
        {
            var tag = upperText.AsSpan(plus) switch
            {
                ['+', ..] => plus + 1,
                var rest when rest.StartsWith("%2B", StringComparison.Ordinal) => plus + 3,
                var rest when rest.StartsWith("\\U002B", StringComparison.Ordinal) => plus + 6,
                _ => -1,
            };
            if (tag < 0 || !IsLocalPartCharacter(upperText[plus - 1]))
            {
                continue;
            }

            var end = tag;
            while (end < upperText.Length && end - tag < LongestSubaddress && (IsLocalPartCharacter(upperText[end]) || upperText[end] == '='))
            {
                end++;
            }

            if (end > tag && (upperText.AsSpan(end).StartsWith("@", StringComparison.Ordinal) || upperText.AsSpan(end).StartsWith("%40", StringComparison.Ordinal)))
            {
                found.Add((plus, end));
                plus = end - 1;
            }
        }

        return found;
    }

    private static readonly char[] SubaddressStarts = ['+', '%', '\\'];

    private static bool IsLocalPartCharacter(char character) => char.IsLetterOrDigit(character) || character is '.' or '-' or '_';

    /// <summary>The mailbox a needle spells, as it is, percent-encoded or JSON-escaped (<see cref="AddressSpellings"/>); null for a name.</summary>
    private static EmailAddress? AddressSpelt(string needle) =>
        needle.Contains('@') || needle.Contains("%40", StringComparison.OrdinalIgnoreCase)
            ? EmailAddress.TryParse(Decoded(needle), out var address) ? address : null
            : null;

    /// <summary>
    /// Whether the occurrence is that mailbox as Directory tells addresses apart: the canonical spelling of names folds
    /// <c>ｓｈａｒｅｄ@…</c> (full-width letters) into <c>shared@…</c> and <c>strasse@…</c> into <c>straße@…</c>, each
    /// another customer's address, whose texts a removal must leave alone. Inside a longer address (<c>joshared@…</c>)
    /// it is replaced all the same: its bytes are the erased address's. With a subaddress added (<c>shared+desk@…</c>) it
    /// is that mailbox too, where mail to it is delivered.
    /// </summary>
    private static bool IsThatMailbox(string text, (int At, int Length) occurrence, EmailAddress address) =>
        EmailAddress.TryParse(WithQuotationMarksAsApostrophes(WithoutFormatCharacters(WithoutInvisibleMarks(Decoded(text.Substring(occurrence.At, occurrence.Length))))), out var found)
        && (found == address || found.WithoutSubaddress == address);

    /// <summary>
    /// The apostrophes smart punctuation writes for <c>'</c> (<c>’</c>, and <c>‘</c> where it guesses an opening quote) as
    /// <c>'</c>: <c>o’brien@…</c> is the mailbox <c>o'brien@…</c> typed on a phone, and no address holds either (a quotation
    /// mark is no letter), so it is no other customer's. The modifier letter apostrophe (<c>ʼ</c>) is a letter, which an
    /// address may hold: <c>oʼbrien@…</c> is another mailbox.
    /// </summary>
    private static string WithQuotationMarksAsApostrophes(string text) =>
        text.Replace('\u2019', '\'').Replace('\u2018', '\'');

    /// <summary>
    /// Without its invisible format characters (a soft hyphen, a zero-width space or joiner, a direction mark): a word
    /// written with one inside shows as the word, and no address holds one (<see cref="EmailAddress"/> refuses them).
    /// </summary>
    private static string WithoutFormatCharacters(string text)
    {
        // A loop, not LINQ: called for every character of a non-ASCII text, which almost never holds one.
        foreach (var character in text)
        {
            if (IsFormatCharacter(character))
            {
                return string.Concat(text.Where(kept => !IsFormatCharacter(kept)));
            }
        }

        return text;
    }

    private static bool IsFormatCharacter(char character) => char.GetUnicodeCategory(character) == UnicodeCategory.Format;

    /// <summary>
    /// Without the marks that show nothing and are no format characters, so normalization keeps them: the combining
    /// grapheme joiner (U+034F) and the variation selectors (U+FE00–U+FE0F, U+E0100–U+E01EF, and Mongolian's U+180B–U+180D
    /// and U+180F). A word written with one inside (<c>Tho&lt;U+034F&gt;runn</c>, <c>R&lt;U+FE0F&gt;oe</c>) shows as the word and
    /// is it, as with a soft hyphen; like a joiner, one between two words joins them.
    /// </summary>
    private static string WithoutInvisibleMarks(string text)
    {
        // Called for every segment of a non-ASCII text, which almost never holds one.
        if (text.AsSpan().IndexOfAny(InvisibleMarkStarts) < 0)
        {
            return text;
        }

        var kept = new StringBuilder(text.Length);
        for (var at = 0; at < text.Length;)
        {
            var isRune = Rune.TryGetRuneAt(text, at, out var rune);
            var length = isRune ? rune.Utf16SequenceLength : 1;
            if (!isRune || !IsInvisibleMark(rune))
            {
                kept.Append(text, at, length);
            }

            at += length;
        }

        return kept.ToString();
    }

    private static bool IsInvisibleMark(Rune rune) =>
        rune.Value is 0x034F or (>= 0x180B and <= 0x180D) or 0x180F or (>= 0xFE00 and <= 0xFE0F) or (>= 0xE0100 and <= 0xE01EF);

    /// <summary>The first UTF-16 unit of each invisible mark (U+DB40 starts those from U+E0000).</summary>
    private static readonly SearchValues<char> InvisibleMarkStarts =
        SearchValues.Create("\u034F\u180B\u180C\u180D\u180F\uFE00\uFE01\uFE02\uFE03\uFE04\uFE05\uFE06\uFE07\uFE08\uFE09\uFE0A\uFE0B\uFE0C\uFE0D\uFE0E\uFE0F\uDB40");

    private static string PercentDecoded(string text) => text.Contains('%') ? Uri.UnescapeDataString(text) : text;

    private static string Decoded(string text) => JsonUnescaped(PercentDecoded(text));

    /// <summary>Each JSON <c>\uXXXX</c> escape as its character; anything else as it is.</summary>
    private static string JsonUnescaped(string text)
    {
        if (!text.Contains("\\u", StringComparison.OrdinalIgnoreCase))
        {
            return text;
        }

        var unescaped = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 6 <= text.Length && text[i + 1] is 'u' or 'U'
                && ushort.TryParse(text.AsSpan(i + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                unescaped.Append((char)code);
                i += 5;
            }
            else
            {
                unescaped.Append(text[i]);
            }
        }

        return unescaped.ToString();
    }

    /// <summary>
    /// Where the needle's later parts end, each after a run of white space or an invisible character separating words
    /// (<see cref="Canonical.BreaksAt"/>), from <paramref name="position"/>; null when they do not follow.
    /// </summary>
    private static int? EndOf(Canonical canonical, int position, string[] parts)
    {
        var upperText = canonical.Text;
        foreach (var part in parts.AsSpan(1))
        {
            var spaced = position;
            while (spaced < upperText.Length && char.IsWhiteSpace(upperText[spaced]))
            {
                spaced++;
            }

            if ((spaced == position && !canonical.BreaksAt(position)) || !upperText.AsSpan(spaced).StartsWith(part, StringComparison.Ordinal))
            {
                return null;
            }

            position = spaced + part.Length;
        }

        return position;
    }

    /// <summary>
    /// The fewest characters a name or address a removal looks for in texts has: shorter ones are parts of too many
    /// words to name anyone.
    /// </summary>
    public const int ShortestNeedle = 3;

    /// <summary>
    /// Whether <paramref name="name"/> holds two different words or more: one word alone ("Printer", "Rose") names nobody
    /// for sure, so a removal looks for it only in the customer's own records.
    /// </summary>
    public static bool IsFullName(string name) => Words(name).Distinct(StringComparer.Ordinal).Take(2).Count() == 2;

    /// <summary>
    /// An address as texts may hold it: as it is, with an internationalised domain also in its ASCII form (the A-label,
    /// <c>jane@xn--bcher-kva.example</c> for <c>jane@bücher.example</c>, as mail headers, bounces and the letters sent to it
    /// spell it), whose words are not the address's (<c>BCHER</c>, <c>KVA</c>), and each percent-encoded as in a link
    /// (<c>?to=jane.roe%40example.com</c>, <c>mailto:</c> URLs), whose words are not the address's (<c>40EXAMPLE</c>), also
    /// with only its <c>@</c> encoded (<c>zoe+desk%40example.com</c>, as links built by hand or by encoders that leave
    /// <c>+</c> as it is write it), with an internationalised domain also with its letters beyond ASCII left as they are
    /// (<c>jane%2Bdesk%40bücher.example</c>, as a browser shows a link, an IRI, and people copy it from there), and
    /// JSON-escaped as System.Text.Json writes it (<c>jane\u002Bdesk@example.com</c>); and with its domain's dots as the
    /// ideographic full stop (<c>jane@example。com</c>), which IDNA maps to a dot, so the address is the same mailbox to an
    /// MTA and to Directory (its full-width and half-width forms are the same in the comparison, NFKC).
    /// </summary>
    public static IEnumerable<string> AddressSpellings(string address)
    {
        var spellings = new List<string>();
        foreach (var spelling in AsciiDomainSpelling(address) is { } ascii ? [address, ascii] : new[] { address })
        {
            spellings.Add(spelling);
            spellings.Add(Uri.EscapeDataString(spelling));
            spellings.Add(PercentEncodedAsciiOnly(spelling));
            spellings.Add(spelling.Replace("@", "%40", StringComparison.Ordinal));

            // As JSON pasted from .NET's System.Text.Json writes it by default (+ and ' as \u002B and \u0027, letters beyond
            // ASCII as \uXXXX, which Python's json.dumps writes too, in lower case: the comparison ignores case).
            spellings.Add(JsonEncodedText.Encode(spelling).Value);
        }

        if (address.LastIndexOf('@') is > 0 and var at)
        {
            spellings.Add(string.Concat(address.AsSpan(0, at + 1), address[(at + 1)..].Replace('.', '\u3002')));
        }

        return spellings.Distinct(StringComparer.Ordinal);
    }

    /// <summary>The address percent-encoded as an IRI is: its ASCII characters as in a URI, any other character as it is.</summary>
    private static string PercentEncodedAsciiOnly(string address)
    {
        var encoded = new StringBuilder(address.Length * 2);
        foreach (var c in address)
        {
            encoded.Append(char.IsAscii(c) ? Uri.EscapeDataString(c.ToString()) : c);
        }

        return encoded.ToString();
    }

    /// <summary>The address with its domain as its A-labels, when the domain is internationalised; null otherwise.</summary>
    private static string? AsciiDomainSpelling(string address)
    {
        if (!EmailAddress.TryParse(address, out var mailbox) || Ascii.IsValid(mailbox.Domain))
        {
            return null;
        }

        try
        {
            return $"{mailbox.LocalPart}@{new IdnMapping().GetAscii(mailbox.Domain)}";
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// A full name as texts may hold it besides as it is: surname first after a comma (<c>Roe, Jane</c>), joined as in a
    /// handle (<c>jane_roe</c>, <c>jane.roe</c>), percent-encoded as in a link (<c>Jane%20Roe</c>, <c>Jane+Roe</c>,
    /// composed and decomposed), whose words are not the name's (<c>20ROE</c>), and as mail, web pages and JSON pasted
    /// into a text encode it (composed and decomposed): quoted-printable (<c>Ren=C3=A9=20Roe</c>, a body's with its spaces
    /// kept <c>Ren=C3=A9 Roe</c>, and in a header's encoded word <c>Ren=C3=A9_Roe</c>), a header's base64 encoded word
    /// (<c>=?utf-8?b?UmVuw6kgUm9l?=</c>), HTML character references (<c>Ren&amp;#233; Roe</c>, <c>Ren&amp;#xE9; Roe</c>, and named:
    /// <c>Ren&amp;eacute; Roe</c>), JSON escapes (<c>Ren\u00E9 Roe</c>) and its UTF-8 read as Windows-1252 or Latin-1 (<c>RenÃ© Roe</c>), a name with an apostrophe percent-encoded with
    /// either apostrophe (<c>O%27Brien</c>, <c>O%E2%80%99Brien</c>); and each of these also as a keyboard without its letters
    /// types it (<see cref="Keyboards"/>: <c>Rene Roe</c>, <c>Roe, Rene</c>, <c>Thorunn Aegisdottir</c>, <c>Jose Mueller</c>), and as typed with
    /// only some of its words so (<c>Zoe Ångström</c>, <see cref="PartlyTyped"/>); a name with an apostrophe also with it typed
    /// otherwise (<c>O`Connor</c>, <c>OConnor</c>, <see cref="ApostrophesTyped"/>). A name of one word has no
    /// other spelling. Joined with a hyphen or nothing it is left alone: <c>Mary-Jane</c> is a name of its own.
    /// </summary>
    public static IEnumerable<string> NameSpellings(string name)
    {
        var words = WordsOf(name);
        if (words.Length < 2)
        {
            return [name];
        }

        var composed = name.Normalize(NormalizationForm.FormC);
        var typed = Keyboards.Select(keyboard => keyboard(name)).Where(spelling => spelling != composed).Distinct(StringComparer.Ordinal).ToList();
        return SpellingsOf(name, words)
            .Concat(typed.SelectMany(spelling => SpellingsOf(spelling, WordsOf(spelling))))
            .Concat(Keyboards.SelectMany(keyboard => PartlyTyped(words, keyboard)).SelectMany(mixed => TypedSpellings(string.Join(' ', mixed), mixed)))
            .Concat(ApostrophesTyped([name, .. typed]))
            .Distinct(StringComparer.Ordinal);
    }

    /// <summary>
    /// What people type for an apostrophe in a name besides <c>'</c> and the characters the canonical spelling takes for
    /// it: a backtick or an acute accent, the keys next to it on some keyboards (<c>O`Connor</c>, <c>O´Connor</c>),
    /// nothing (<c>OConnor</c>, as forms and handles that refuse it write it) and a space (<c>O Connor</c>).
    /// </summary>
    private static readonly string[] TypedApostrophes = ["`", "\u00B4", "", " "];

    /// <summary>
    /// The typed spellings (<see cref="TypedSpellings"/>) of a name with an apostrophe, as given and as each keyboard types
    /// it, with the apostrophe typed otherwise (<see cref="TypedApostrophes"/>): <c>Mary O`Connor</c>, <c>OConnor, Mary</c>.
    /// The canonical spelling cannot take these for it: a backtick and an acute accent are also quotation marks and
    /// accents, and without it or with a space the name has other words.
    /// </summary>
    private static IEnumerable<string> ApostrophesTyped(IEnumerable<string> forms) =>
        from form in forms
        where form.IndexOfAny(ApostropheCharacters) >= 0
        from spelling in TypedSpellings(form, WordsOf(form))
        from apostrophe in TypedApostrophes
        select WithApostrophesAs(spelling, apostrophe);

    private static string[] WordsOf(string name) => name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// The ways a keyboard without a name's letters types them: each without its diacritics (<see cref="Diacritics"/>, the
    /// picker's table, which keeps Þ and Æ as they are: <c>Þorunn</c>), those without a base letter as several too
    /// (<c>Thorunn Aegisdottir</c>, <see cref="Transliteration.Typed"/>), and as conventions write some letters with two
    /// (<c>Mueller</c>, <c>Soeren</c>, <c>Aase</c>: <see cref="Transliteration.ByConvention"/>).
    /// </summary>
    private static readonly Func<string, string>[] Keyboards = [Diacritics.Without, Transliteration.Typed, Transliteration.ByConvention];

    /// <summary>The most words with diacritics whose mixes are looked for: each doubles the spellings of a keyboard.</summary>
    private const int MostMixedWords = 4;

    /// <summary>
    /// The name with some of its words as <paramref name="keyboard"/> types them and the others as given, as a person types
    /// it who copies one word and types another on a keyboard without its letters (<c>Zoe Ångström</c>). One keyboard at a
    /// time, so the spellings grow with the keyboards, not as their product; only as typed: an encoder writes every word as
    /// it was given.
    /// </summary>
    private static IEnumerable<string[]> PartlyTyped(string[] words, Func<string, string> keyboard)
    {
        var choices = words.Select(word => keyboard(word) is var typed && typed != word.Normalize(NormalizationForm.FormC) ? [word, typed] : new[] { word }).ToArray();
        if (choices.Count(choice => choice.Length == 2) is < 2 or > MostMixedWords)
        {
            // One word typed otherwise has no mix but the two spellings looked for already.
            return [];
        }

        return choices.Aggregate<string[], IEnumerable<string[]>>([[]], (mixes, choice) => mixes.SelectMany(mix => choice.Select(word => mix.Append(word).ToArray())));
    }

    /// <summary>The name as a person types it: as it is, surname first after a comma, and joined as a handle.</summary>
    private static string[] TypedSpellings(string name, string[] words) =>
        [name, $"{words[^1]}, {string.Join(' ', words[..^1])}", string.Join('_', words), string.Join('.', words)];

    private static IEnumerable<string> SpellingsOf(string name, string[] words)
    {
        var spaced = string.Join(' ', words);
        var forms = new[] { spaced.Normalize(NormalizationForm.FormC), spaced.Normalize(NormalizationForm.FormD) }.Distinct(StringComparer.Ordinal);
        return TypedSpellings(name, words).Concat(new[]
        {
            Uri.EscapeDataString(spaced),
            Uri.EscapeDataString(spaced).Replace("%20", "+", StringComparison.Ordinal),
            Uri.EscapeDataString(spaced.Normalize(NormalizationForm.FormD)),
            Uri.EscapeDataString(spaced.Normalize(NormalizationForm.FormD)).Replace("%20", "+", StringComparison.Ordinal),
        }).Concat(ApostrophesEncoded(spaced)).Concat(ApostrophesInHtml(spaced)).Concat(forms.SelectMany(EncodedSpellings)).Distinct(StringComparer.Ordinal);
    }

    private static readonly char[] ApostropheCharacters = ['\'', '\u2019', '\u2018', '\u02BC', '\u02BB'];

    /// <summary><paramref name="name"/> with each of its apostrophes (<see cref="ApostropheCharacters"/>) written as <paramref name="apostrophe"/>.</summary>
    private static string WithApostrophesAs(string name, string apostrophe) =>
        string.Concat(name.Select(character => ApostropheCharacters.Contains(character) ? apostrophe : character.ToString()));

    /// <summary>
    /// The name percent-encoded with its apostrophes as <c>'</c> and as <c>’</c> (<c>O%27Brien</c>, <c>O%E2%80%99Brien</c>):
    /// the canonical spelling makes the two one apostrophe, but not their encodings, and a phone's smart punctuation
    /// writes <c>’</c> in a name given with <c>'</c>, a keyboard <c>'</c> in one given with <c>’</c>. Composed only, and
    /// only for a name with an apostrophe: each is another needle.
    /// </summary>
    private static IEnumerable<string> ApostrophesEncoded(string spaced)
    {
        if (spaced.IndexOfAny(ApostropheCharacters) < 0)
        {
            yield break;
        }

        foreach (var apostrophe in "'\u2019")
        {
            var encoded = Uri.EscapeDataString(WithApostrophesAs(spaced.Normalize(NormalizationForm.FormC), apostrophe.ToString()));
            yield return encoded;
            yield return encoded.Replace("%20", "+", StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The HTML character references encoders write for an apostrophe: <c>&amp;#39;</c> (.NET's <c>WebUtility.HtmlEncode</c>),
    /// <c>&amp;#039;</c> (PHP's htmlspecialchars and htmlentities), <c>&amp;#x27;</c> (Python's html.escape), <c>&amp;apos;</c>
    /// (XML, HTML5), and for the typographic one <c>&amp;rsquo;</c>, <c>&amp;#8217;</c>, <c>&amp;#x2019;</c> (rich-text editors).
    /// </summary>
    private static readonly string[] HtmlApostrophes = ["&#39;", "&#039;", "&#x27;", "&apos;", "&rsquo;", "&#8217;", "&#x2019;"];

    /// <summary>
    /// A name with an apostrophe in HTML, its apostrophe as a character reference (<see cref="HtmlApostrophes"/>) and its
    /// letters beyond ASCII as they are or as the same encoders write them (<see cref="HtmlReferences"/>): an encoder
    /// escapes the apostrophe of <c>O'Connor</c> in any name, ASCII or not (<c>Mary O&amp;#39;Connor</c>). Composed only,
    /// and only for a name with an apostrophe.
    /// </summary>
    private static IEnumerable<string> ApostrophesInHtml(string spaced)
    {
        if (spaced.IndexOfAny(ApostropheCharacters) < 0)
        {
            return [];
        }

        var composed = spaced.Normalize(NormalizationForm.FormC);
        return from letters in HtmlReferences(composed).Prepend(composed)
               from apostrophe in HtmlApostrophes
               select WithApostrophesAs(letters, apostrophe);
    }

    private static IEnumerable<string> EncodedSpellings(string spaced)
    {
        var quotedPrintable = QuotedPrintable(spaced);
        yield return quotedPrintable;
        if (Ascii.IsValid(spaced))
        {
            // Every other encoding spells an ASCII name as it is, or as its handle.
            yield break;
        }

        yield return quotedPrintable.Replace("=20", "_", StringComparison.Ordinal);
        // A body's quoted-printable keeps its spaces as they are (RFC 2045: MimeKit, Python and mail programs write
        // "Ren=C3=A9 Roe"); only a header's encoded word, or a space at a line's end, is written otherwise.
        yield return quotedPrintable.Replace("=20", " ", StringComparison.Ordinal);
        // A header's base64 encoded word, as MimeKit writes a display name beyond ASCII (Notification's own letters name
        // their recipient so): the name's own bytes, not base64 of a body, whose alignment no needle can know.
        yield return Convert.ToBase64String(Encoding.UTF8.GetBytes(spaced));
        foreach (var references in HtmlReferences(spaced))
        {
            yield return references;
        }

        yield return string.Concat(spaced.Select(character => char.IsAscii(character) ? character.ToString() : $"\\u{(int)character:X4}"));
        // Its UTF-8 read as Windows-1252, ZoÃ« Ã…ngstrÃ¶m-NuÃ±ez, as a forwarded message or a paste whose charset was lost
        // shows it: mail taken in and stored so after her removal kept her name readable to anyone who knows the look.
        // Read as Latin-1 too, which has control characters where Windows-1252 has ž, † and the like (Þ's second byte).
        var utf8 = Encoding.UTF8.GetBytes(spaced);
        yield return ReadAs(utf8, value => Windows1252High[value - 0x80]);
        yield return ReadAs(utf8, value => (char)value);
    }

    /// <summary>
    /// UTF-8 bytes read one character a byte, those from 0x80 to 0x9F by <paramref name="high"/>, without the control
    /// characters that reading makes of some (Ł's 0x81): they show as nothing, and no stored text holds one (mail's texts
    /// drop them, the API refuses them), so its words either side are one word there (<c>Åukasiewicz</c>).
    /// </summary>
    private static string ReadAs(byte[] utf8, Func<byte, char> high) =>
        string.Concat(utf8.Select(value => value is >= 0x80 and < 0xA0 ? high(value) : (char)value).Where(character => !char.IsControl(character)));

    /// <summary>
    /// The name in HTML character references, as encoders write letters beyond ASCII: decimal and hexadecimal; named
    /// where HTML names the letter and as it is where it does not (PHP's htmlentities, Java's escapeHtml4), decimal
    /// (TinyMCE's "named+numeric") or hexadecimal (Perl's HTML::Entities); and Latin-1's letters decimal, the others as
    /// they are (.NET's <c>WebUtility.HtmlEncode</c>). Where a name's letters are all named, or all Latin-1's, several
    /// of these are one spelling; a decomposed name has no named letter, and one that is the name again is left out.
    /// </summary>
    private static IEnumerable<string> HtmlReferences(string spaced)
    {
        static string Decimal(Rune rune) => $"&#{rune.Value};";
        static string Hexadecimal(Rune rune) => $"&#x{rune.Value:X};";
        static string? Named(Rune rune) => rune.IsBmp && NamedReferences.TryGetValue((char)rune.Value, out var named) ? $"&{named};" : null;

        Func<Rune, string?>[] encoders =
        [
            Decimal,
            Hexadecimal,
            Named,
            rune => Named(rune) ?? Decimal(rune),
            rune => Named(rune) ?? Hexadecimal(rune),
            rune => rune.Value is >= 0xA0 and <= 0xFF ? Decimal(rune) : null,
        ];
        return encoders
            .Select(encoder => string.Concat(spaced.EnumerateRunes().Select(rune => (rune.IsAscii ? null : encoder(rune)) ?? rune.ToString())))
            .Where(references => references != spaced)
            .Distinct(StringComparer.Ordinal);
    }

    /// <summary>Windows-1252's characters for the bytes 0x80 to 0x9F (Latin-1's C1 controls); an unassigned byte as that control.</summary>
    private const string Windows1252High =
        "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
        "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

    /// <summary>
    /// The named character references HTML has for letters (<c>&amp;euml;</c> for ë, <c>&amp;Aring;</c> for Å,
    /// <c>&amp;szlig;</c> for ß), as HTML editors and PHP's htmlentities write them: a letter of one base letter and one
    /// mark is named by both, the others HTML names are listed; each kept only where .NET's HTML decoder reads it as that
    /// letter (HTML 4's table, which htmlentities writes by default).
    /// </summary>
    private static readonly FrozenDictionary<char, string> NamedReferences = FindNamedReferences();

    private static FrozenDictionary<char, string> FindNamedReferences()
    {
        var markNames = new Dictionary<char, string>
        {
            ['\u0300'] = "grave", ['\u0301'] = "acute", ['\u0302'] = "circ", ['\u0303'] = "tilde", ['\u0308'] = "uml", ['\u030A'] = "ring",
            ['\u0327'] = "cedil", ['\u030C'] = "caron",
        };
        var named = new Dictionary<char, string>
        {
            ['\u00C6'] = "AElig", ['\u00E6'] = "aelig", ['\u00D0'] = "ETH", ['\u00F0'] = "eth", ['\u00D8'] = "Oslash", ['\u00F8'] = "oslash",
            ['\u00DE'] = "THORN", ['\u00FE'] = "thorn", ['\u00DF'] = "szlig", ['\u0152'] = "OElig", ['\u0153'] = "oelig",
        };
        // Latin-1 and Latin Extended-A: every letter HTML 4 names.
        for (var letter = '\u00C0'; letter <= '\u017F'; letter++)
        {
            if (letter.ToString().Normalize(NormalizationForm.FormD) is [var plain, var mark] && markNames.TryGetValue(mark, out var markName))
            {
                named.TryAdd(letter, $"{plain}{markName}");
            }
        }

        return named.Where(pair => WebUtility.HtmlDecode($"&{pair.Value};") == pair.Key.ToString()).ToFrozenDictionary();
    }

    /// <summary>Quoted-printable of the UTF-8 bytes: <c>=</c>, a space and every byte beyond ASCII as <c>=XX</c>.</summary>
    private static string QuotedPrintable(string text) =>
        string.Concat(Encoding.UTF8.GetBytes(text).Select(value => value is > 32 and < 127 and not (byte)'=' ? ((char)value).ToString() : $"={value:X2}"));

    /// <summary>Each of <see cref="NameSpellings(string)"/> of a name the customer had, chosen by whoever chose the name.</summary>
    public static IEnumerable<PreviousName> NameSpellings(PreviousName name) =>
        NameSpellings(name.Text).Select(spelling => name with { Text = spelling });

    /// <summary>Whether one of the texts names one of the needles.</summary>
    public static bool NameAny(IEnumerable<string?> texts, IReadOnlyCollection<string> needles) =>
        texts.Any(text => text is not null && needles.Any(needle => Names(text, needle)));

    private string Token(string words)
    {
        var bytes = new byte[Purpose.Length + Encoding.UTF8.GetByteCount(words)];
        Purpose.CopyTo(bytes, 0);
        Encoding.UTF8.GetBytes(words, bytes.AsSpan(Purpose.Length));
        return Base64Url.EncodeToString(HMACSHA256.HashData(pepper.Key, bytes).AsSpan(0, TokenBytes));
    }

    private static IEnumerable<string> Words(string text)
    {
        var upper = Canonical.Of(text).Text;
        return WordSpans(upper).Select(span => upper[span.Start..span.End]);
    }

    /// <summary>
    /// The words a text is indexed by: each word, and where an invisible character separating words stands inside one
    /// (<see cref="Canonical.BreaksAt"/>), the words either side of it too.
    /// </summary>
    private static IEnumerable<string> IndexedWords(string text)
    {
        var canonical = Canonical.Of(text);
        return WordReadings(canonical).SelectMany(spans => spans).Distinct().Select(span => canonical.Text[span.Start..span.End]);
    }

    /// <summary>
    /// The ways the text's words are read: as they are in the canonical spelling, and, when an invisible character
    /// separating words stands inside one (<see cref="Canonical.BreaksAt"/>), split there; as shown, such a word may be one
    /// word or several, and each reading is looked for.
    /// </summary>
    private static IEnumerable<IReadOnlyList<(int Start, int End)>> WordReadings(Canonical canonical)
    {
        var spans = WordSpans(canonical.Text).ToList();
        yield return spans;
        if (canonical.HasBreaks && spans.Any(span => canonical.BreaksWithin(span.Start, span.End)))
        {
            yield return [.. spans.SelectMany(span => canonical.Split(span.Start, span.End))];
        }
    }

    /// <summary>Where each word of a text in its canonical spelling starts and ends.</summary>
    private static IEnumerable<(int Start, int End)> WordSpans(string upper)
    {
        var start = -1;
        var index = 0;
        foreach (var rune in upper.EnumerateRunes())
        {
            if (IsWordRune(rune))
            {
                start = start < 0 ? index : start;
            }
            else if (start >= 0)
            {
                yield return (start, index);
                start = -1;
            }

            index += rune.Utf16SequenceLength;
        }

        if (start >= 0)
        {
            yield return (start, upper.Length);
        }
    }

    private static bool IsWordRune(Rune rune) => Rune.IsLetterOrDigit(rune) || IsMark(rune);

    private static bool IsMark(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    /// <summary>
    /// A text in the spelling words are compared in: each character with the combining marks after it (a segment) in
    /// Unicode NFKC (a decomposed accent composed, a full-width or compatibility letter as its plain one), upper case
    /// (invariant), ß and ẞ as SS (full case folding's; their simple upper cases stay apart), without invisible format
    /// characters (<c>Ja&lt;U+00AD&gt;ne</c>, a soft hyphen inside, shows as Jane and is Jane) and invisible marks
    /// (<see cref="WithoutInvisibleMarks"/>), every apostrophe as <c>'</c>
    /// (<c>O’Brien</c> is O'Brien), the Turkish İ and ı as I (<c>IBRAHIM YILMAZ</c> is İbrahim Yılmaz). A position of the spelling
    /// maps back to the segment it came from, so a match is replaced in the text as given.
    /// </summary>
    private sealed class Canonical
    {
        private readonly int[]? _starts;
        private readonly int[]? _ends;
        private readonly SortedSet<int>? _breaks;

        private Canonical(string text, int[]? starts, int[]? ends, SortedSet<int>? breaks)
        {
            Text = text;
            _starts = starts;
            _ends = ends;
            _breaks = breaks;
        }

        public string Text { get; }

        public bool HasBreaks => _breaks is { Count: > 0 };

        /// <summary>
        /// Whether an invisible character that separates words stood just before <paramref name="position"/> of the spelling
        /// (<see cref="SeparatesWords"/>): left out of the spelling as it shows nothing, but a word may end there.
        /// </summary>
        public bool BreaksAt(int position) => _breaks?.Contains(position) == true;

        /// <summary>Whether a break stands inside the spelling's positions <paramref name="start"/> to <paramref name="end"/>.</summary>
        public bool BreaksWithin(int start, int end) => _breaks is not null && start + 1 < end && _breaks.GetViewBetween(start + 1, end - 1).Count > 0;

        /// <summary>The spelling's positions <paramref name="start"/> to <paramref name="end"/>, split at each break inside.</summary>
        public IEnumerable<(int Start, int End)> Split(int start, int end)
        {
            if (BreaksWithin(start, end))
            {
                foreach (var position in _breaks!.GetViewBetween(start + 1, end - 1))
                {
                    yield return (start, position);
                    start = position;
                }
            }

            yield return (start, end);
        }

        /// <summary>
        /// A zero-width space, where a line may break between words, and the direction characters (marks, embeddings,
        /// overrides, isolates), written where the writing changes direction, between words: either may stand for a space.
        /// Not the soft hyphen, the joiners, the word joiner or the BOM, which join (a hyphenation point, Persian and Indic
        /// words: <c>Rosen&lt;U+00AD&gt;berg</c> is one word).
        /// </summary>
        private static bool SeparatesWords(char character) =>
            character is '\u200B' or '\u200E' or '\u200F' or '\u061C' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

        public static Canonical Of(string text)
        {
            if (Ascii.IsValid(text))
            {
                // Most texts: upper case maps each character to one, so positions hold in the text as given.
                return new Canonical(text.ToUpperInvariant(), null, null, null);
            }

            var spelt = new StringBuilder(text.Length);
            var (starts, ends) = (new List<int>(text.Length), new List<int>(text.Length));
            SortedSet<int>? breaks = null;
            var start = 0;
            while (start < text.Length)
            {
                if (SeparatesWords(text[start]))
                {
                    (breaks ??= []).Add(spelt.Length);
                }

                var end = start + (Rune.DecodeFromUtf16(text.AsSpan(start), out _, out var length) == OperationStatus.Done ? length : 1);
                while (end < text.Length && Rune.DecodeFromUtf16(text.AsSpan(end), out var next, out var nextLength) == OperationStatus.Done && IsMark(next))
                {
                    end += nextLength;
                }

                var segment = Spelling(text[start..end]);
                spelt.Append(segment);
                for (var i = 0; i < segment.Length; i++)
                {
                    starts.Add(start);
                    ends.Add(end);
                }

                start = end;
            }

            return new Canonical(spelt.ToString(), [.. starts], [.. ends], breaks);
        }

        /// <summary>The part of the text as given that the spelling's positions <paramref name="at"/> to <paramref name="end"/> came from.</summary>
        public (int At, int Length) InText(int at, int end) =>
            _starts is null || _ends is null ? (at, end - at) : (_starts[at], _ends[end - 1] - _starts[at]);

        private static string Spelling(string segment) =>
            TurkishI(Hyphens(Apostrophes(WithoutFormatCharacters(Normalized(WithoutInvisibleMarks(segment))))).ToUpperInvariant())
                .Replace("\u00DF", "SS", StringComparison.Ordinal).Replace("\u1E9E", "SS", StringComparison.Ordinal);

        /// <summary>
        /// The Turkish İ and ı as I, which the invariant upper case leaves as they are: other keyboards type both as I or i
        /// (<c>Ibrahim Yilmaz</c>, <c>IBRAHIM YILMAZ</c> for <c>İbrahim Yılmaz</c>), and İ's lower case is i (or i with a
        /// combining dot above, as culture-unaware lower-casing writes it).
        /// </summary>
        private static string TurkishI(string upperSegment) =>
            upperSegment is "\u0130" or "I\u0307" or "\u0131" ? "I" : upperSegment;

        /// <summary>
        /// Every apostrophe as <c>'</c>: <c>’</c> and <c>‘</c>, which smart punctuation (phones, word processors, mail
        /// programs) writes for it, and the modifier letter apostrophe <c>ʼ</c>, which some keyboards type in names
        /// (<c>O’Brien</c>, <c>OʼBrien</c> and <c>O'Brien</c> are one name); and the ʻokina <c>ʻ</c> (Hawaiian, and Uzbek's
        /// <c>oʻ</c> and <c>gʻ</c>), which keyboards without it type as <c>'</c> or <c>‘</c> (<c>Kaʻiulani</c> is
        /// <c>Ka'iulani</c>). The ʻokina is a letter: folded, the words either side of it are words of their own, as they are
        /// either side of an apostrophe.
        /// </summary>
        private static string Apostrophes(string segment) =>
            segment.Length == 1 && segment[0] is '\u2019' or '\u2018' or '\u02BC' or '\u02BB' ? "'" : segment;

        /// <summary>
        /// The hyphen (U+2010, and the non-breaking hyphen U+2011, which NFKC makes it) as <c>-</c>: word processors and
        /// mail programs write them to keep <c>Jean-Luc</c> on one line; and the figure, en and em dashes, which word
        /// processors make of a typed hyphen (<c>Jean–Luc</c>) and people type for one. None is part of a word, so tokens
        /// stay as they were.
        /// </summary>
        private static string Hyphens(string segment) => segment is "\u2010" or "\u2012" or "\u2013" or "\u2014" ? "-" : segment;

        /// <summary>In NFKC; as it is when it cannot be normalized (a lone surrogate, a noncharacter such as U+FFFE): a word of no one.</summary>
        private static string Normalized(string segment)
        {
            try
            {
                return segment.IsNormalized(NormalizationForm.FormKC) ? segment : segment.Normalize(NormalizationForm.FormKC);
            }
            catch (ArgumentException)
            {
                return segment;
            }
        }
    }
}
