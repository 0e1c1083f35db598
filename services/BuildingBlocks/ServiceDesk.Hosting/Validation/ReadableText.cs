using System.Globalization;

namespace ServiceDesk.Hosting.Validation;

/// <summary>
/// The characters text people read may hold. A line (a name, a ticket summary, which becomes a letter's subject) holds
/// no control character, no line or paragraph separator and no format character (bidi overrides and zero-width
/// characters make one text look like another). Text of several lines (a description, a comment) may break lines and
/// hold tabs and zero-width joiners (emoji sequences use them), but no other control character (a NUL would reach a
/// letter raw) and no bidi override or isolate (which shows text in another order than it is read, as in
/// "gnp.exe" for "exe.png").
/// </summary>
public static class ReadableText
{
    public static bool FitsOneLine(char c) =>
        char.GetUnicodeCategory(c) is not (UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator);

    public static bool FitsLines(char c) =>
        c is '\n' or '\r' or '\t' || (char.GetUnicodeCategory(c) != UnicodeCategory.Control && !IsBidiControl(c));

    /// <summary><paramref name="text"/> without the characters <paramref name="fits"/> refuses: for text that arrived by mail, which is taken, not refused.</summary>
    public static string Keeping(string text, Func<char, bool> fits) =>
        text.All(fits) ? text : string.Concat(text.Where(fits));

    /// <summary>
    /// At most <paramref name="maxLength"/> UTF-16 units of <paramref name="text"/>, never half a character: a cut
    /// between the two halves of a surrogate pair (an emoji) left text that is not UTF-8, which a strict writer (MongoDB's
    /// BSON) refuses on every retry.
    /// </summary>
    public static string Truncated(string text, int maxLength) =>
        text.Length <= maxLength ? text : text[..(char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength)];

    /// <summary>Left-to-right and right-to-left embeddings, overrides and isolates, and the pop characters that end them.</summary>
    private static bool IsBidiControl(char c) => c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
