using System.Text;

namespace ServiceDesk.Storage.MongoDb;

/// <summary>Prefix look-ups as index ranges under MongoDB's string order: UTF-8 bytes, which is code point order.</summary>
public static class MongoPrefix
{
    private const int LastCodePoint = 0x10FFFF;

    /// <summary>
    /// The least string above every string that starts with <paramref name="prefix"/>: the prefix with its last
    /// code point incremented. <c>prefix + "\uffff"</c> is not: a supplementary character (4 UTF-8 bytes) sorts
    /// after U+FFFF. Null when no such string exists (every code point is U+10FFFF): no upper bound is needed.
    /// </summary>
    public static string? UpperBound(string prefix)
    {
        var runes = prefix.EnumerateRunes().ToList();
        while (runes.Count > 0 && runes[^1].Value == LastCodePoint)
        {
            runes.RemoveAt(runes.Count - 1);
        }

        if (runes.Count == 0)
        {
            return null;
        }

        var next = runes[^1].Value + 1;
        // Surrogate code points are not characters: the next one after U+D7FF is U+E000.
        runes[^1] = new Rune(next == 0xD800 ? 0xE000 : next);
        return string.Concat(runes.Select(rune => rune.ToString()));
    }
}
