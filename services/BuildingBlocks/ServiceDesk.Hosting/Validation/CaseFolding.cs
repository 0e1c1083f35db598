using System.Collections.Frozen;
using System.Text;

namespace ServiceDesk.Hosting.Validation;

/// <summary>
/// The one case-insensitive spelling of a unique key (a login, an address, an organization name), used by every
/// store backend. LiteDB compares keys ignoring case (.NET's OrdinalIgnoreCase) and MongoDB byte by byte: they
/// agree only on keys in which no two distinct characters are equal ignoring case. Lower-casing alone leaves
/// such pairs (final sigma and sigma, long s and s upper-case alike), so the fold goes through the upper case
/// first: ς and σ both become σ, ſ and s become s.
/// </summary>
public static class CaseFolding
{
    /// <summary>Cased letters live in the first two planes (Unicode 16); beyond them every character folds to itself.</summary>
    private const int LastCasedCodePoint = 0x1FFFF;

    /// <summary>
    /// OrdinalIgnoreCase uses .NET's own case table, ICU (behind ToUpperInvariant) the machine's, and a newer
    /// Unicode version in one unites letters the other keeps apart (Garay, added in Unicode 16). This maps such a
    /// fold onto the one OrdinalIgnoreCase considers equal, found once by checking every cased code point.
    /// </summary>
    private static readonly Lazy<FrozenDictionary<int, int>> Reconciled = new(FindReconciled);

    public static string Fold(string value)
    {
        var folded = new StringBuilder(value.Length);
        foreach (var rune in value.EnumerateRunes())
        {
            var simple = SimpleFold(rune);
            folded.Append(Reconciled.Value.TryGetValue(simple.Value, out var reconciled) ? new Rune(reconciled) : simple);
        }

        return folded.ToString();
    }

    private static Rune SimpleFold(Rune rune) => Rune.ToLowerInvariant(Rune.ToUpperInvariant(rune));

    private static FrozenDictionary<int, int> FindReconciled()
    {
        var firstFold = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var reconciled = new Dictionary<int, int>();
        for (var codePoint = 0; codePoint <= LastCasedCodePoint; codePoint++)
        {
            if (!Rune.IsValid(codePoint))
            {
                continue;
            }

            var fold = SimpleFold(new Rune(codePoint));
            if (!firstFold.TryAdd(fold.ToString(), fold.Value) && firstFold[fold.ToString()] is var first && first != fold.Value)
            {
                reconciled[fold.Value] = first;
            }
        }

        return reconciled.ToFrozenDictionary();
    }
}
