using ServiceDesk.Messaging.Erasure;
using Xunit;

namespace ServiceDesk.Messaging.Tests.Erasure;

/// <summary>Names found and replaced by the tokens of their words alone (<see cref="MentionTokens.ReplaceWordRuns"/>).</summary>
public sealed class WordRunTests
{
    private static readonly MentionTokens Mentions = new(new TombstonePepper(new byte[32]));

    private static WordRun Run(string needle, string replacement = "X") => new(Mentions.WordTokens(needle), replacement);

    public static TheoryData<string, string, string> Texts => new()
    {
        { "Jane Roe", "Call Jane Roe today.", "Call X today." },
        { "Jane Roe", "Call JANE  roe,\r\nor jane\troe.", "Call X,\r\nor X." },
        { "Jane Roe", "Jane went to Roe Street; Roe Jane is another order.", "Jane went to Roe Street; Roe Jane is another order." },
        { "Jane Roe", "Janet Roe and Jane Roes are other people.", "Janet Roe and Jane Roes are other people." },
        { "Jane Roe", "Mary Jane Roe Smith", "Mary X Smith" },
        // An address is its words: the separators between them are not kept, and the mailbox inside a longer one is found.
        { "jane.roe@example.com", "Mail jane.roe@example.com or x.jane.roe@example.com.", "Mail X or x.X." },
        // Matched in the canonical spelling, replaced in the text as given: decomposed, full width, with ß written out.
        { "Zo\u00EB Stra\u00DFe", "Ask Zoe\u0308 STRASSE or \uFF3A\uFF4F\u00EB Stra\u00DFe now.", "Ask X or X now." },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void A_run_of_the_needle_s_words_in_its_order_is_replaced_whatever_stands_between_them(string needle, string text, string expected)
    {
        Assert.Equal(expected, Mentions.ReplaceWordRuns(text, [Run(needle)]));
        Assert.Equal(expected != text, Mentions.HoldsAnyRun(text, [Run(needle)]));
    }

    /// <summary>
    /// The address with a subaddress (<c>jane.roe+desk@example.com</c>, delivered to jane.roe@example.com's mailbox), in
    /// any letter case, in a link or in JSON, is the address: its tag's words stand between the address's.
    /// </summary>
    [Fact]
    public void An_address_with_a_subaddress_is_the_address()
    {
        var runs = MentionTokens.AddressSpellings("jane.roe@example.com").Select(spelling => Run(spelling)).ToList();

        Assert.Equal(
            "Mail X, <X>, mailto:X or ?to=X and {\"to\":\"X\"}; jane.roe.desk@example.com and jane.roe+desk@example.org are others.",
            Mentions.ReplaceWordRuns(
                "Mail jane.roe+desk@example.com, <JANE.ROE+A.B_1-C@EXAMPLE.COM>, mailto:jane.roe+x@example.com or ?to=jane.roe%2Bdesk%40example.com and "
                    + "{\"to\":\"jane.roe\\u002Bdesk@example.com\"}; jane.roe.desk@example.com and jane.roe+desk@example.org are others.",
                runs));
    }

    [Fact]
    public void Of_runs_starting_at_one_word_the_longest_is_replaced_and_each_with_its_own_replacement()
    {
        var runs = new[] { Run("Jane Roe", "A"), Run("Jane Roe Smith", "B"), Run("ann@example.org", "C") };

        Assert.Equal("B met A and C.", Mentions.ReplaceWordRuns("Jane Roe Smith met Jane Roe and ann@example.org.", runs));
    }

    [Fact]
    public void Replacing_again_changes_nothing_and_a_text_without_words_or_runs_without_words_stay_as_they_are()
    {
        var runs = new[] { Run("Jane Roe", "Former customer 7F3A") };
        var once = Mentions.ReplaceWordRuns("Jane Roe wrote to jane roe.", runs);

        Assert.Equal("Former customer 7F3A wrote to Former customer 7F3A.", once);
        Assert.Equal(once, Mentions.ReplaceWordRuns(once, runs));
        Assert.Equal("...", Mentions.ReplaceWordRuns("...", runs));
        Assert.Equal("Jane Roe", Mentions.ReplaceWordRuns("Jane Roe", [Run("--")]));
    }

    [Fact]
    public void Word_tokens_keep_the_needle_s_order_and_repeats_and_are_keyed()
    {
        var tokens = Mentions.WordTokens("Ann Lee Ann");

        Assert.Equal(3, tokens.Count);
        Assert.Equal(tokens[0], tokens[2]);
        Assert.NotEqual(tokens, Mentions.WordTokens("Lee Ann Ann"));
        Assert.NotEqual(tokens, new MentionTokens(new TombstonePepper(Enumerable.Repeat((byte)1, 32).ToArray())).WordTokens("Ann Lee Ann"));
        Assert.Contains(Mentions.QueryTokens("Ann Lee Ann")[0], tokens);
    }
}
