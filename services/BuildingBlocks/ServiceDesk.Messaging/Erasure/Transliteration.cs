using System.Collections.Frozen;
using System.Text;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Messaging.Erasure;

/// <summary>
/// A name as typed on a keyboard without its letters, where a letter is written with several (<c>Thorunn
/// Aegisdottir</c> for <c>Þórunn Ægisdóttir</c>, <c>Mueller</c> for <c>Müller</c>): the spellings a removal looks for
/// besides the one <see cref="Diacritics.Without"/> gives, which keeps a letter without a base letter (Þ, Æ) as it is.
/// Only for the needles of a removal: the picker's search keys and the texts' canonical spelling stay as they are.
/// </summary>
internal static class Transliteration
{
    /// <summary>The letters no diacritic is dropped from, typed as two, and Icelandic's eth as d, as its names are written in English.</summary>
    private static readonly FrozenDictionary<char, string> Letters = new Dictionary<char, string>
    {
        ['\u00DE'] = "Th", ['\u00FE'] = "th", ['\u00C6'] = "Ae", ['\u00E6'] = "ae", ['\u0152'] = "Oe", ['\u0153'] = "oe",
        ['\u00D0'] = "D", ['\u00F0'] = "d",
    }.ToFrozenDictionary();

    /// <summary>
    /// The letters a convention writes with a second letter rather than without their diacritic: German's umlauts
    /// (<c>Mueller</c>), Danish and Norwegian ø and å (<c>Soeren</c>, <c>Aase</c>), and the eth as dh.
    /// </summary>
    private static readonly FrozenDictionary<char, string> Conventions = new Dictionary<char, string>
    {
        ['\u00C4'] = "Ae", ['\u00E4'] = "ae", ['\u00D6'] = "Oe", ['\u00F6'] = "oe", ['\u00DC'] = "Ue", ['\u00FC'] = "ue",
        ['\u00D8'] = "Oe", ['\u00F8'] = "oe", ['\u00C5'] = "Aa", ['\u00E5'] = "aa", ['\u00D0'] = "Dh", ['\u00F0'] = "dh",
    }.ToFrozenDictionary();

    /// <summary>Each letter without its diacritics (<see cref="Diacritics.Without"/>), and those without a base letter typed as <see cref="Letters"/>: <c>Thorunn Aegisdottir</c>.</summary>
    public static string Typed(string text) => Replaced(Diacritics.Without(text), Letters);

    /// <summary>As <see cref="Typed"/>, the letters a convention writes with two so written first: <c>Mueller</c>, <c>Gudhrun</c>.</summary>
    public static string ByConvention(string text) => Typed(Replaced(text.Normalize(NormalizationForm.FormC), Conventions));

    private static string Replaced(string text, FrozenDictionary<char, string> letters)
    {
        if (!text.Any(letters.ContainsKey))
        {
            return text;
        }

        var replaced = new StringBuilder(text.Length + 4);
        foreach (var character in text)
        {
            if (letters.TryGetValue(character, out var typed))
            {
                replaced.Append(typed);
            }
            else
            {
                replaced.Append(character);
            }
        }

        return replaced.ToString();
    }
}
