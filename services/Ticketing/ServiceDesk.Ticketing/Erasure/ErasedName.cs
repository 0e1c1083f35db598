using ServiceDesk.Messaging.Erasure;

namespace ServiceDesk.Ticketing.Erasure;

/// <summary>
/// One spelling of a removed customer's name or address as Ticketing keeps it for good, so that mail taken in after the
/// removal does not bring it back (<see cref="Mail.MailIntake"/>): the keyed tokens of its words in its order
/// (<see cref="MentionTokens.WordTokens"/>), found by its most telling one (<paramref name="FirstToken"/>, the first of
/// <see cref="MentionTokens.QueryTokens"/>), and the removal's pseudonym that replaces it.
/// </summary>
public sealed record ErasedName(string CustomerId, string FirstToken, IReadOnlyList<string> WordTokens, string Replacement)
{
    /// <summary>One per customer and spelling.</summary>
    public string Id => $"{CustomerId} {string.Join(' ', WordTokens)}";

    public WordRun Run => new(WordTokens, Replacement);

    /// <summary>Whether one of <paramref name="texts"/> holds one of <paramref name="names"/> (<see cref="MentionTokens.HoldsAnyRun"/>).</summary>
    public static bool AnyHeldIn(IReadOnlyCollection<ErasedName> names, IEnumerable<string> texts, MentionTokens mentions)
    {
        var runs = names.Select(name => name.Run).ToList();
        return runs.Count > 0 && texts.Any(text => mentions.HoldsAnyRun(text, runs));
    }
}

/// <summary>A text taken in from mail holds a removed customer's name or address kept since it was read (<see cref="ErasedName"/>); nothing was written.</summary>
public sealed class TextNamesErasedException() : Exception("A text taken in from mail names a removed customer.");
