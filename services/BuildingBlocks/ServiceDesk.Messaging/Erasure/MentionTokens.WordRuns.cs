using System.Text;

namespace ServiceDesk.Messaging.Erasure;

/// <summary>
/// A needle kept only as the tokens of its words in the order it writes them (<see cref="MentionTokens.WordTokens"/>),
/// and what a text holding it gets instead.
/// </summary>
public sealed record WordRun(IReadOnlyList<string> WordTokens, string Replacement);

/// <summary>
/// Names found and replaced by their words' tokens alone, for a service that keeps no clear text of a removed
/// customer's name and address: a run of consecutive words of a text, whatever stands between them, whose tokens are
/// a needle's in order. Coarser than <see cref="Names(string, string)"/>, which reads the needle itself: <c>Jane. Roe</c>
/// is <c>Jane Roe</c> here, and an address is its words, so <c>jane.roe@example.com</c> inside <c>x.jane.roe@example.com</c>
/// is found too (its bytes are that address's).
/// </summary>
public sealed partial class MentionTokens
{
    /// <summary>The tokens of the needle's words in its order, repeats kept; empty when it has no word.</summary>
    public IReadOnlyList<string> WordTokens(string needle) => [.. Words(needle).Select(Token)];

    /// <summary>Whether <paramref name="text"/> holds one of <paramref name="runs"/> (<see cref="ReplaceWordRuns"/> would change it).</summary>
    public bool HoldsAnyRun(string text, IReadOnlyCollection<WordRun> runs) => RunsIn(text, runs).Any();

    /// <summary>
    /// <paramref name="text"/> with each run of its words that is one of <paramref name="runs"/> replaced, from the first
    /// word's first character to the last word's last one, by that run's replacement; where runs overlap, the one that
    /// starts first and, of those, the longest.
    /// </summary>
    public string ReplaceWordRuns(string text, IReadOnlyCollection<WordRun> runs)
    {
        var replaced = new StringBuilder(text.Length);
        var copied = 0;
        foreach (var (at, length, run) in RunsIn(text, runs))
        {
            replaced.Append(text, copied, at - copied).Append(run.Replacement);
            copied = at + length;
        }

        return copied == 0 ? text : replaced.Append(text, copied, text.Length - copied).ToString();
    }

    private IEnumerable<(int At, int Length, WordRun Run)> RunsIn(string text, IReadOnlyCollection<WordRun> runs)
    {
        var byFirstWord = runs.Where(run => run.WordTokens.Count > 0).ToLookup(run => run.WordTokens[0], StringComparer.Ordinal);
        if (byFirstWord.Count == 0 || text.Length == 0)
        {
            yield break;
        }

        var canonical = Canonical.Of(text);
        // Computed once per distinct word: a text repeats its words.
        var tokenOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var readings = WordReadings(canonical).ToList();
        if (Subaddresses(canonical.Text) is { Count: > 0 } subaddresses)
        {
            // An address with a subaddress (jane+desk@example.com) is also read as the mailbox it reaches.
            readings.AddRange(readings.Select(spans => WithoutSubaddresses(spans, subaddresses)).ToList());
        }

        var found = readings.SelectMany(spans => RunsAmong(canonical, spans, tokenOf, byFirstWord));
        if (readings.Count > 1)
        {
            found = found.OrderBy(run => run.At).ThenByDescending(run => run.Length).ToList();
        }

        var copied = 0;
        foreach (var (at, length, run) in found)
        {
            // Two readings may find overlapping runs.
            if (at < copied)
            {
                continue;
            }

            yield return (at, length, run);
            copied = at + length;
        }
    }

    /// <summary>The runs found among one reading of the text's words (<see cref="WordReadings"/>), in its order.</summary>
    private IEnumerable<(int At, int Length, WordRun Run)> RunsAmong(
        Canonical canonical, IReadOnlyList<(int Start, int End)> spans, Dictionary<string, string> tokenOf, ILookup<string, WordRun> byFirstWord)
    {
        var tokens = spans.Select(span =>
        {
            var word = canonical.Text[span.Start..span.End];
            return tokenOf.TryGetValue(word, out var token) ? token : tokenOf[word] = Token(word);
        }).ToList();
        var copied = 0;
        for (var first = 0; first < spans.Count; first++)
        {
            var start = first;
            var run = byFirstWord[tokens[first]]
                .Where(candidate => start + candidate.WordTokens.Count <= tokens.Count
                    && candidate.WordTokens.Index().All(word => string.Equals(tokens[start + word.Index], word.Item, StringComparison.Ordinal)))
                .MaxBy(candidate => candidate.WordTokens.Count);
            if (run is null)
            {
                continue;
            }

            var last = first + run.WordTokens.Count - 1;
            var (at, length) = canonical.InText(spans[first].Start, spans[last].End);
            // A character whose canonical spelling holds several words (½ is 1⁄2) may end one run and start the next.
            if (at < copied)
            {
                continue;
            }

            yield return (at, length, run);
            copied = at + length;
            first = last;
        }
    }

    /// <summary>The words without those of the subaddresses (<see cref="Subaddresses"/>); both in the text's order, read once.</summary>
    private static List<(int Start, int End)> WithoutSubaddresses(IReadOnlyList<(int Start, int End)> spans, IReadOnlyList<(int Start, int End)> subaddresses)
    {
        var kept = new List<(int Start, int End)>(spans.Count);
        var next = 0;
        foreach (var span in spans)
        {
            while (next < subaddresses.Count && subaddresses[next].End < span.End)
            {
                next++;
            }

            if (next == subaddresses.Count || span.Start <= subaddresses[next].Start || span.End > subaddresses[next].End)
            {
                kept.Add(span);
            }
        }

        return kept;
    }
}
