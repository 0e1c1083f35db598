using ServiceDesk.Messaging.Erasure;
using Xunit;

namespace ServiceDesk.Messaging.Tests.Erasure;

public sealed class MentionTokensTests
{
    /// <summary>How many records hold each token, and how many a probe read: a count up to a limit reads that many at most.</summary>
    private sealed class Holders(Dictionary<string, int> holders)
    {
        public int Reads { get; private set; }

        public int Probes { get; private set; }

        public int CountUpTo(string token, int limit)
        {
            var count = Math.Min(holders[token], limit);
            Probes++;
            Reads += count;
            return count;
        }
    }

    [Fact]
    public void A_name_of_common_words_and_one_rare_one_is_looked_up_through_the_rare_one_after_a_few_reads_of_the_common_ones()
    {
        var holders = new Holders(new() { ["CUSTOMER"] = 5_000, ["BENCH"] = 4_000, ["C17"] = 2 });

        Assert.Equal("C17", MentionTokens.Rarest(["CUSTOMER", "BENCH", "C17"], holders.CountUpTo));
        Assert.True(holders.Reads <= 4 + 4 + 2, $"{holders.Reads} reads");
    }

    [Theory]
    [InlineData(10, 20, 30, "A")]
    [InlineData(30, 20, 10, "C")]
    [InlineData(100, 200, 17, "C")]
    [InlineData(100, 0, 1, "B")]
    [InlineData(100, 200, 300, "A")]
    public void The_token_held_by_the_fewest_records_is_chosen_and_one_held_by_none_ends_the_probe(int a, int b, int c, string expected)
    {
        var holders = new Holders(new() { ["A"] = a, ["B"] = b, ["C"] = c });

        Assert.Equal(expected, MentionTokens.Rarest(["A", "B", "C"], holders.CountUpTo));
        Assert.True(holders.Reads <= 3 * (4 + 16 + 64), $"{holders.Reads} reads");
    }

    [Fact]
    public void A_token_held_by_one_record_ends_the_probe()
    {
        var holders = new Holders(new() { ["R17E0C4"] = 1, ["BENCH"] = 5_000, ["EXAMPLE"] = 0 });

        Assert.Equal("R17E0C4", MentionTokens.Rarest(["R17E0C4", "BENCH", "EXAMPLE"], holders.CountUpTo));
        Assert.Equal(1, holders.Probes);
    }

    [Theory]
    [InlineData("Jane Roe", true)]
    [InlineData("jane.roe@example.com", true)]
    [InlineData("Thank you", true)]
    [InlineData("Printer", false)]
    [InlineData("  the  ", false)]
    [InlineData("Bob bob", false)]
    [InlineData("Ann-", false)]
    [InlineData("!!!", false)]
    public void A_full_name_holds_two_different_words(string name, bool full) => Assert.Equal(full, MentionTokens.IsFullName(name));

    [Theory]
    [InlineData("Ask Jane Roe, or JANE ROE's desk.", "Ask X, or X's desk.")]
    [InlineData("Mary-Jane Roes and xJane Roe stay", "Mary-Jane Roes and xJane Roe stay")]
    [InlineData("Mary-Jane Roe called", "Mary-X called")]
    [InlineData("jane roejane roe", "jane roejane roe")]
    [InlineData("Nobody here", "Nobody here")]
    public void Only_whole_word_occurrences_are_replaced(string text, string expected) =>
        Assert.Equal(expected, MentionTokens.ReplaceWhole(text, "Jane Roe", "X"));

    /// <summary>A name typed with other white space between its words is the name: replaced whole, and found inside words too.</summary>
    /// <summary>Where spellings overlap, the one standing first: <c>Roe, Jane</c> across two mentions of Jane Roe takes neither.</summary>
    [Fact]
    public void Each_spelling_is_replaced_where_it_stands_first_so_one_across_two_mentions_takes_neither() =>
        Assert.Equal(
            "Copy X, X and X.",
            MentionTokens.ReplaceEach("Copy Jane Roe, Jane Roe and JANE ROE.", MentionTokens.NameSpellings("Jane Roe").Select(spelling => (spelling, true)), "X"));

    [Theory]
    [InlineData("Ask Jane  Roe.", "Ask X.")]
    [InlineData("Ask Jane\tRoe.", "Ask X.")]
    [InlineData("Ask Jane\r\nroe.", "Ask X.")]
    [InlineData("Ask JANE\u00A0ROE and Jane \u2028 Roe.", "Ask X and X.")]
    [InlineData("Ask JaneRoe or Jane-Roe.", "Ask JaneRoe or Jane-Roe.")]
    [InlineData("Ask Jane  Roes.", "Ask Jane  Roes.")]
    public void A_name_with_any_white_space_between_its_words_is_replaced(string text, string expected)
    {
        Assert.Equal(expected, MentionTokens.ReplaceWhole(text, "Jane Roe", "X"));
        Assert.Equal(expected != text, MentionTokens.Names(text, "Jane Roe"));
    }

    [Theory]
    [InlineData("xJane \n Roex", "xXx")]
    [InlineData("Jane Roe", "X")]
    [InlineData("Jane", "Jane")]
    public void Anywhere_a_name_with_any_white_space_is_replaced_inside_words_too(string text, string expected)
    {
        Assert.Equal(expected, MentionTokens.ReplaceAnywhere(text, "Jane Roe", "X"));
        Assert.Equal(expected != text, MentionTokens.Holds(text, "Jane Roe"));
    }

    private static readonly MentionTokens Mentions = new(new TombstonePepper(new byte[32]));

    public static TheoryData<string, string, string> OtherSpellings => new()
    {
        // Typed decomposed (macOS keyboards): O with stroke, a + combining ring, o + combining acute.
        { "\u00D8deg\u00E5rd \u00DE\u00F3rsd\u00F3ttir", "Called: \u00D8dega\u030Ard \u00DEo\u0301rsdo\u0301ttir, twice.", "Called: X, twice." },
        { "Gro\u00DF Weber", "Ask GROSS WEBER or GRO\u1E9E WEBER.", "Ask X or X." },
        { "Jane Roe", "Ask \uFF2A\uFF41\uFF4E\uFF45 \uFF32\uFF4F\uFF45.", "Ask X." },
        // The Kelvin sign, a compatibility K.
        { "Karen Smith", "Ask \u212Aaren Smith.", "Ask X." },
        { "\u00D8deg\u00E5rd \u00DE\u00F3rsd\u00F3ttir", "Ødegårdx Þórsdóttir and Ødegård Þórsdóttirs stay.", "Ødegårdx Þórsdóttir and Ødegård Þórsdóttirs stay." },
        // Invisible format characters inside (a soft hyphen, a zero-width space or joiner, direction marks): shown as the name.
        { "Jane Roe", "Ask Ja\u00ADne Roe, JANE\u200B ROE or \u200EJane R\u200Doe\u200F.", "Ask X, X or \u200EX\u200F." },
        // The apostrophe as smart punctuation writes it (’, or ‘), or as the modifier letter (ʼ), either way round.
        { "Se\u00E1n O'Brien", "Called Se\u00E1n O\u2019Brien, SE\u00C1N O\u02BCBRIEN and Se\u00E1n O\u2018Brien.", "Called X, X and X." },
        { "Ciara O\u2019Neill", "Ask Ciara O'Neill.", "Ask X." },
        // The hyphen as word processors write it to keep the name on one line (non-breaking, or U+2010), and the other way round.
        { "Jean-Luc Picard", "Ask Jean\u2011Luc Picard or JEAN\u2010LUC PICARD.", "Ask X or X." },
        { "Anne\u2011Marie Roe", "Ask Anne-Marie Roe.", "Ask X." },
        // The en or em dash a word processor makes of a typed hyphen, or a person types for one, either way round.
        { "Jean-Luc Picard", "Ask Jean\u2013Luc Picard or JEAN\u2014LUC PICARD.", "Ask X or X." },
        { "Anne\u2013Marie Roe", "Ask Anne-Marie Roe or Anne\u2014Marie Roe.", "Ask X or X." },
        // The ʻokina, typed as an apostrophe or as ‘ on keyboards without it, either way round.
        { "Ka\u02BBiulani Cleghorn", "Ask Ka'iulani Cleghorn or KA\u2018IULANI CLEGHORN.", "Ask X or X." },
        { "Ka'iulani Cleghorn", "Ask Ka\u02BBiulani Cleghorn.", "Ask X." },
        // Turkish İ and ı, which the invariant upper case keeps apart from I: typed as I or i on other keyboards, and İ in
        // lower case as i (or i with a combining dot above, as culture-unaware lower-casing writes it).
        { "\u0130brahim Y\u0131lmaz", "Ask ibrahim y\u0131lmaz, IBRAHIM YILMAZ or i\u0307brahim y\u0131lmaz.", "Ask X, X or X." },
        { "Ilkay Y\u0131lmaz", "Ask \u0130lkay Y\u0131lmaz.", "Ask X." },
        // Characters no normalization takes (a noncharacter, a lone surrogate) stay as they are, and fail nothing.
        { "Jane R\u00F6e", "Jane Ro\u0308e \uFFFE wrote, \uD800 too.", "X \uFFFE wrote, \uD800 too." },
    };

    [Theory]
    [MemberData(nameof(OtherSpellings))]
    public void A_name_decomposed_in_full_width_letters_or_with_capital_sharp_s_is_the_name_and_found_by_its_tokens(string name, string text, string expected)
    {
        Assert.Equal(expected, MentionTokens.ReplaceWhole(text, name, "X"));
        Assert.Equal(expected != text, MentionTokens.Names(text, name));
        if (expected != text)
        {
            Assert.Subset(Mentions.Of([text]).ToHashSet(), Mentions.QueryTokens(name).ToHashSet());
        }
    }

    /// <summary>
    /// A zero-width space or a direction character (a mark, an embedding, an override or an isolate) standing between two
    /// words separates them as a space does, though it shows none: a name written with one instead of its space is the
    /// name, found by its tokens and replaced as whole words, by a removal and by mail's kept names alike. A soft hyphen,
    /// a joiner or non-joiner, the word joiner and the BOM join what they stand between (a hyphenation point, Persian
    /// and Indic words), as they show: there the name is one word, a name of its own, as <c>JaneRoe</c> is.
    /// </summary>
    [Theory]
    [InlineData("Jane Roe", "Ask Jane\u200BRoe, JANE\u200EROE or jane\u200F\u200Broe.", "Ask X, X or X.")]
    [InlineData("Jane Roe", "Ask \u202AJane\u202CRoe, Jane\u2066Roe\u2069 or Jane\u202ERoe.", "Ask \u202AX, X\u2069 or X.")]
    [InlineData("Jane Roe", "Ask Ja\u00ADne\u200BR\u200Doe.", "Ask X.")]
    [InlineData("Jane Roe", "Ask x\u200BJane\u200BRoe\u200Bx or xJane\u200BRoe.", "Ask x\u200BX\u200Bx or xJane\u200BRoe.")]
    [InlineData("Jane Roe", "Ask Jane\u00ADRoe, Jane\u200DRoe, Jane\u200CRoe, Jane\u2060Roe or Jane\uFEFFRoe.", "Ask Jane\u00ADRoe, Jane\u200DRoe, Jane\u200CRoe, Jane\u2060Roe or Jane\uFEFFRoe.")]
    [InlineData("Anna Rosen Berg", "Anna Rosen\u00ADberg called.", "Anna Rosen\u00ADberg called.")]
    [InlineData("Jane Roe", "Ask Jane\u3000Roe, Jane\u2007Roe, Jane\u202FRoe or Jane\u2000\u200ARoe.", "Ask X, X, X or X.")]
    public void A_name_with_a_zero_width_space_or_direction_character_for_its_space_is_the_name_and_one_joined_by_other_invisible_characters_is_not(
        string name, string text, string expected)
    {
        Assert.Equal(expected, MentionTokens.ReplaceWhole(text, name, "X"));
        Assert.Equal(expected != text, MentionTokens.Names(text, name));
        Assert.Equal(expected, Mentions.ReplaceWordRuns(text, [new WordRun(Mentions.WordTokens(name), "X")]));
        if (expected != text)
        {
            Assert.Subset(Mentions.Of([text]).ToHashSet(), Mentions.QueryTokens(name).ToHashSet());
        }
    }

    /// <summary>A text as long as a body may be, of separating invisible characters or subaddresses throughout: read in linear time, not quadratic.</summary>
    [Theory]
    [InlineData("J\u200Ba")]
    [InlineData("Jane\u200E")]
    [InlineData("x+y@")]
    [InlineData("shared+a@both.test ")]
    [InlineData("a\u2066b%2Bc%40")]
    public void A_long_text_of_separating_invisible_characters_or_subaddresses_is_read_at_once(string piece)
    {
        var text = string.Concat(Enumerable.Repeat(piece, 262_144 / piece.Length));
        WordRun[] runs = [new(Mentions.WordTokens("shared@both.test"), "X"), new(Mentions.WordTokens("Jane Jane"), "X")];
        var read = System.Diagnostics.Stopwatch.StartNew();

        MentionTokens.ReplaceAnywhere(text, "shared@both.test", "X");
        MentionTokens.ReplaceWhole(text, "Jane Jane", "X");
        Mentions.ReplaceWordRuns(text, runs);
        Mentions.Of([text]);

        Assert.InRange(read.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// An address is found in any letter case, with its domain in another spelling, percent-encoded as in a link, and
    /// inside a longer one (its bytes are the address's), but not where the canonical spelling of names folds another
    /// mailbox into it (full-width letters, ß as ss), which Directory holds as another customer's address.
    /// </summary>
    [Theory]
    [InlineData("Write to Shared@Both.TEST.", "Write to X.")]
    [InlineData("<shared@both.test>, (shared@both.test) 'shared@both.test' shared@both.test", "<X>, (X) 'X' X")]
    [InlineData("mailto:shared@both.test?subject=hi and ?to=shared%40both.test&x=1", "mailto:X?subject=hi and ?to=X&x=1")]
    [InlineData("mailto%3Ashared%40both.test and mailto%3ASHARED%40BOTH.TEST", "mailto%3AX and mailto%3AX")]
    [InlineData("Write to shared@\uFF42oth.test.", "Write to X.")]
    [InlineData("joshared@both.test and shared@both.testing", "joX and Xing")]
    [InlineData("Write to sha\u00ADred@both.test or shared\u200B@both.test.", "Write to X or X.")]
    [InlineData("Write to shared+desk@both.test, SHARED+A.B_1-c@BOTH.TEST or mailto:shared+x@both.test?subject=hi", "Write to X, X or mailto:X?subject=hi")]
    [InlineData("?to=shared%2Bdesk%40both.test, ?to=shared+desk%40both.test, {\"to\":\"shared\\u002Bdesk@both.test\"}", "?to=X, ?to=X, {\"to\":\"X\"}")]
    [InlineData("sharedx+desk@both.test, shared+desk@both.tests.example and shared + desk@both.test are others", "sharedx+desk@both.test, Xs.example and shared + desk@both.test are others")]
    [InlineData("\uFF53\uFF48\uFF41\uFF52\uFF45\uFF44@both.test is another customer", "\uFF53\uFF48\uFF41\uFF52\uFF45\uFF44@both.test is another customer")]
    public void An_address_is_replaced_wherever_its_bytes_stand_and_not_where_another_mailbox_folds_into_it(string text, string expected)
    {
        var replaced = MentionTokens.AddressSpellings("shared@both.test").Aggregate(text, (current, spelling) => MentionTokens.ReplaceAnywhere(current, spelling, "X"));
        Assert.Equal(expected, replaced);
        Assert.Equal(expected != text, MentionTokens.AddressSpellings("shared@both.test").Any(spelling => MentionTokens.Holds(text, spelling)));
    }

    [Fact]
    public void Another_mailbox_is_not_named_where_the_canonical_spelling_folds_it_into_the_address()
    {
        Assert.False(MentionTokens.Names("Write to strasse@both.test or STRASSE@both.test.", "stra\u00DFe@both.test"));
        Assert.True(MentionTokens.Names("Write to STRA\u1E9EE@both.test.", "stra\u00DFe@both.test"));
        Assert.False(MentionTokens.Names("Write to \uFF53\uFF48\uFF41\uFF52\uFF45\uFF44@both.test.", "shared@both.test"));
        Assert.True(MentionTokens.Names("Write to SHARED@both.test.", "shared@both.test"));
    }

    [Fact]
    public void A_full_name_is_also_spelt_surname_first_joined_as_a_handle_and_percent_encoded_and_one_word_only_as_itself()
    {
        Assert.Equal(
            ["Jane  van Roe", "Roe, Jane van", "Jane_van_Roe", "Jane.van.Roe", "Jane%20van%20Roe", "Jane+van+Roe", "Jane=20van=20Roe"],
            MentionTokens.NameSpellings("Jane  van Roe"));
        Assert.Contains("Rene%CC%81%20Roe", MentionTokens.NameSpellings("Ren\u00E9 Roe"));
        Assert.Equal(["Printer"], MentionTokens.NameSpellings("Printer"));
    }

    [Fact]
    public void A_full_name_is_also_spelt_without_its_diacritics_composed_or_decomposed()
    {
        Assert.Contains("Rene Roe", MentionTokens.NameSpellings("Ren\u00E9 Roe"));
        Assert.Contains("Roe, Rene", MentionTokens.NameSpellings("Rene\u0301 Roe"));
        Assert.Contains("Lukasz_Zolc", MentionTokens.NameSpellings("\u0141ukasz \u017B\u00F3\u0142\u0107"));
        Assert.Equal(MentionTokens.NameSpellings("Jane Roe").Count(), MentionTokens.NameSpellings("Jane Roe").Distinct().Count());
    }

    [Theory]
    [InlineData("Ask Roe, Jane (jane_roe, @jane.roe) at ?name=Jane%20Roe&n=jane+roe or Jane-Roe, JaneRoe.", "Ask X (X, @X) at ?name=X&n=X or Jane-Roe, JaneRoe.")]
    [InlineData("?n=Ren%c3%a9%20Roe and ?n=Rene%CC%81+Roe", "?n=X and ?n=X")]
    [InlineData("Spoke to Rene Roe; ROE, RENE agreed (rene.roe). Renee Roe did not.", "Spoke to X; X agreed (X). Renee Roe did not.")]
    [InlineData("Ren=C3=A9=20Roe, =?utf-8?q?Ren=c3=a9_Roe?=, Rene=CC=81=20Roe", "X, =?utf-8?q?X?=, X")]
    [InlineData("<b>Ren&#233; Roe</b> Ren&#xe9; Roe Rene&#x301; Roe {\"n\":\"Ren\\u00e9 Roe\"} Rene\\u0301 Roe", "<b>X</b> X X {\"n\":\"X\"} X")]
    public void Each_spelling_of_a_full_name_is_replaced_as_whole_words(string text, string expected) =>
        Assert.Equal(expected, MentionTokens.NameSpellings(text.Contains("Ren", StringComparison.Ordinal) ? "Ren\u00E9 Roe" : "Jane Roe")
            .OrderByDescending(spelling => spelling.Length)
            .Aggregate(text, (current, spelling) => MentionTokens.ReplaceWhole(current, spelling, "X")));

    /// <summary>
    /// Every spelling of <paramref name="name"/> replaced as whole words, longest first, each found through the tokens the
    /// text holds (the index would otherwise never read the text).
    /// </summary>
    private static string ReplacedSpellings(string text, string name) =>
        MentionTokens.NameSpellings(name).OrderByDescending(spelling => spelling.Length).Aggregate(text, (current, spelling) =>
        {
            if (MentionTokens.Names(current, spelling))
            {
                Assert.Subset(Mentions.Of([current]).ToHashSet(), Mentions.QueryTokens(spelling).ToHashSet());
            }

            return MentionTokens.ReplaceWhole(current, spelling, "X");
        });

    /// <summary>Her name's UTF-8 read as Windows-1252, as a forwarded message whose charset was lost shows it.</summary>
    [Theory]
    [InlineData("Fwd from ZoÃ« Ã…ngstrÃ¶m-NuÃ±ez: pay", "Fwd from X: pay")]
    [InlineData("Fwd from ZoeÌˆ AÌŠngstroÌˆm-NunÌƒez: pay", "Fwd from X: pay")]
    public void A_full_name_beyond_ascii_read_in_the_wrong_charset_is_replaced(string text, string expected) =>
        Assert.Equal(expected, ReplacedSpellings(text, "Zo\u00EB \u00C5ngstr\u00F6m-Nu\u00F1ez"));

    /// <summary>
    /// Her name's UTF-8 read as Windows-1252, a byte it has no character for (Ł's second, 0x81) showing as nothing, or read
    /// as Latin-1, where every byte from 0x80 to 0x9F does (Þ's and Æ's second bytes): no stored text holds the control
    /// character such a byte becomes (mail drops them, the API refuses them), so the words either side of it are one.
    /// Checked through the clear spellings and through their words' tokens alone, as mail taken in after her removal is.
    /// </summary>
    [Theory]
    [InlineData("Fwd from \u00C3\u017E\u00C3\u00B3runn \u00C3\u2020gisd\u00C3\u00B3ttir-\u00C5ukasiewicz: pay", "Fwd from X: pay")]
    [InlineData("Fwd from \u00C3\u00C3\u00B3runn \u00C3gisd\u00C3\u00B3ttir-\u00C5ukasiewicz: pay", "Fwd from X: pay")]
    public void A_full_name_read_in_a_charset_without_a_character_for_some_of_its_bytes_is_replaced(string text, string expected)
    {
        const string name = "\u00DE\u00F3runn \u00C6gisd\u00F3ttir-\u0141ukasiewicz";

        Assert.Equal(expected, ReplacedSpellings(text, name));
        Assert.Equal(expected, Mentions.ReplaceWordRuns(text, [.. MentionTokens.NameSpellings(name).Select(spelling => new WordRun(Mentions.WordTokens(spelling), "X"))]));
    }

    /// <summary>
    /// A name with letters a keyboard without them types as several: Þ as Th, Æ as Ae, Œ as Oe, Ð as D or Dh, and ä, ö,
    /// ü, ø and å as German, Danish and Norwegian write them (Ae, Oe, Ue, Oe, Aa) besides without their diacritic; ß as ss
    /// is the canonical spelling's already. Found through the tokens the text holds and through its words' tokens alone,
    /// as mail taken in after her removal is; a longer word stays.
    /// </summary>
    [Theory]
    [InlineData("\u00DE\u00F3runn \u00C6gisd\u00F3ttir-\u0141ukasiewicz", "From Thorunn Aegisdottir-Lukasiewicz, AEGISDOTTIR-LUKASIEWICZ, THORUNN and thorunn_aegisdottir-lukasiewicz.", "From X, X and X.")]
    [InlineData("\u00DE\u00F3runn \u00C6gisd\u00F3ttir-\u0141ukasiewicz", "Þórunn Aegisdottir-Lukasiewicz and Thorunn Ægisdóttir-Łukasiewicz; Thorunn Aegisdottir-Lukasiewiczowa stays.", "X and X; Thorunn Aegisdottir-Lukasiewiczowa stays.")]
    [InlineData("Hans M\u00FCller", "Ask Hans Mueller, hans.mueller or Mueller, Hans; Hans Muellers stays.", "Ask X, X or X; Hans Muellers stays.")]
    [InlineData("S\u00F8ren Kj\u00E6rg\u00E5rd", "Ask Soeren Kjaergaard, Soren Kjaergard, S\u00F8ren Kjaergaard or Soren Kj\u00E6rgard.", "Ask X, X, X or X.")]
    [InlineData("\u0152dipe Gau\u00DF", "Ask Oedipe Gauss or OEDIPE GAUSS.", "Ask X or X.")]
    [InlineData("Gu\u00F0r\u00FAn Sigur\u00F0ard\u00F3ttir", "Ask Gudrun Sigurdardottir or Gudhrun Sigurdhardottir.", "Ask X or X.")]
    public void A_full_name_with_letters_typed_as_several_is_replaced(string name, string text, string expected) =>
        Assert.Equal(expected, ReplacedTogether(text, name));

    /// <summary>
    /// Every spelling of <paramref name="name"/> replaced together as whole words, as a removal replaces them
    /// (<see cref="MentionTokens.ReplaceEach"/>), each found through the tokens the text holds; and the same replaced
    /// through their words' tokens alone, as mail taken in after the removal is (else the first).
    /// </summary>
    private static string ReplacedTogether(string text, string name)
    {
        var spellings = MentionTokens.NameSpellings(name).ToList();
        foreach (var spelling in spellings.Where(spelling => MentionTokens.Names(text, spelling)))
        {
            Assert.Subset(Mentions.Of([text]).ToHashSet(), Mentions.QueryTokens(spelling).ToHashSet());
        }

        var replaced = MentionTokens.ReplaceEach(text, spellings.Select(spelling => (spelling, true)), "X");
        var byTokens = Mentions.ReplaceWordRuns(text, [.. spellings.Select(spelling => new WordRun(Mentions.WordTokens(spelling), "X"))]);
        return replaced == byTokens ? replaced : $"{replaced} (by tokens: {byTokens})";
    }

    /// <summary>
    /// An invisible character inside a word leaves it the word, found by its tokens and replaced, also through its words'
    /// tokens alone as later mail is: the soft hyphen, the word joiner, the zero-width joiner and non-joiner (format
    /// characters), and the combining grapheme joiner and the variation selectors (marks that show nothing). Between two
    /// words a mark joins them, as a joiner does (<c>Jane&lt;U+034F&gt;Roe</c> is <c>JaneRoe</c>).
    /// </summary>
    [Theory]
    [InlineData("Jane Roe", "Ask Ja\u034Fne Roe, JANE R\uFE0FOE or Jane\U000E0100 Roe\u180B.", "Ask X, X or X.")]
    [InlineData("Jane Roe", "Ask Ja\u00ADne R\u2060oe or J\u200Cane Ro\u200De.", "Ask X or X.")]
    [InlineData("\u00DE\u00F3runn \u00C6gisd\u00F3ttir-\u0141ukasiewicz", "From Tho\u00ADrunn Aegis\u034Fdottir-Lukasie\uFE0Ewicz and \u00DE\uFE00\u00F3runn \u00C6gisd\u00F3ttir-\u0141ukasiewicz.", "From X and X.")]
    [InlineData("Jane Roe", "Ask Jane\u034FRoe or Jane\uFE0FRoe.", "Ask Jane\u034FRoe or Jane\uFE0FRoe.")]
    public void A_name_with_an_invisible_character_inside_a_word_is_the_name(string name, string text, string expected) =>
        Assert.Equal(expected, ReplacedTogether(text, name));

    /// <summary>An invisible mark inside an address is nothing, as a format character is: no address holds one.</summary>
    [Fact]
    public void An_address_with_an_invisible_mark_inside_is_the_address() =>
        Assert.Equal(
            "Write to X or X.",
            MentionTokens.AddressSpellings("shared@both.test").Aggregate("Write to sha\u034Fred@both.test or shared@bo\uFE0Fth.test.", (current, spelling) => MentionTokens.ReplaceAnywhere(current, spelling, "X")));

    /// <summary>
    /// A name's apostrophe typed as a backtick or an acute accent, left out or typed as a space, either way round from the
    /// apostrophe it was given with; a longer word, or its words apart from the rest of the name, stay.
    /// </summary>
    [Theory]
    [InlineData("Mary O'Connor", "Ask Mary O`Connor, MARY O\u00B4CONNOR, Mary OConnor or Mary O Connor; OConnor, Mary agreed.", "Ask X, X, X or X; X agreed.")]
    [InlineData("Mary O\u2019Connor", "Ask Mary O`Connor, mary_oconnor or Mary O'Connor.", "Ask X, X or X.")]
    [InlineData("Se\u00E1n O'Brien", "Ask Sean OBrien or Se\u00E1n O\u00B4Brien.", "Ask X or X.")]
    [InlineData("Mary O'Connor", "Mary O Connors, Mary OConnell and O Connor stay.", "Mary O Connors, Mary OConnell and O Connor stay.")]
    public void A_full_name_with_its_apostrophe_typed_otherwise_or_left_out_is_replaced(string name, string text, string expected) =>
        Assert.Equal(expected, ReplacedTogether(text, name));

    /// <summary>
    /// A name's apostrophe as HTML encoders write it (.NET, PHP, Python, XML, rich-text editors), with its letters beyond
    /// ASCII as they are or as the same encoders write them; a longer word stays.
    /// </summary>
    [Theory]
    [InlineData("Mary O'Connor", "<p>Mary O&#39;Connor, Mary O&#039;Connor, MARY O&#X27;CONNOR and Mary O&apos;Connor</p>", "<p>X, X, X and X</p>")]
    [InlineData("Mary O\u2019Connor", "Mary O&rsquo;Connor or Mary O&#8217;Connor or Mary O&#x2019;Connor", "X or X or X")]
    [InlineData("Siobh\u00E1n Nguy\u1EC5n-O'Connor", "Siobh\u00E1n Nguy\u1EC5n-O&#39;Connor and Siobh&#225;n Nguy\u1EC5n-O&#39;Connor", "X and X")]
    [InlineData("Siobh\u00E1n Nguy\u1EC5n-O'Connor", "Siobh&aacute;n Nguy\u1EC5n-O&#039;Connor", "X")]
    [InlineData("Mary O'Connor", "Mary O&#39;Connors stays", "Mary O&#39;Connors stays")]
    public void A_full_name_with_its_apostrophe_as_an_html_reference_is_replaced(string name, string text, string expected) =>
        Assert.Equal(expected, ReplacedSpellings(text, name));

    /// <summary>A transliteration is a spelling of a full name only: a name of one word has none, and a name without such letters none more.</summary>
    [Fact]
    public void A_name_of_one_word_or_without_letters_typed_otherwise_is_spelt_as_before()
    {
        Assert.Equal(["M\u00FCller"], MentionTokens.NameSpellings("M\u00FCller"));
        Assert.Equal(["\u00C6gir"], MentionTokens.NameSpellings("\u00C6gir"));
        Assert.Equal(MentionTokens.NameSpellings("Hans M\u00FCller").Count(), MentionTokens.NameSpellings("Hans M\u00FCller").Distinct().Count());
    }

    /// <summary>A mail body's quoted-printable keeps its spaces as they are (RFC 2045; MimeKit, Python and mail programs write them so).</summary>
    [Theory]
    [InlineData("Raw source: Zo=C3=AB =C3=85ngstr=C3=B6m-Nu=C3=B1ez wrote", "Raw source: X wrote")]
    [InlineData("Raw source: Zoe=CC=88 A=CC=8Angstro=CC=88m-Nun=CC=83ez wrote", "Raw source: X wrote")]
    [InlineData("Zo=C3=AB =C3=85ngstr=C3=B6m-Nu=C3=B1ezz stays", "Zo=C3=AB =C3=85ngstr=C3=B6m-Nu=C3=B1ezz stays")]
    public void A_full_name_in_quoted_printable_with_its_spaces_kept_is_replaced(string text, string expected) =>
        Assert.Equal(expected, ReplacedSpellings(text, "Zo\u00EB \u00C5ngstr\u00F6m-Nu\u00F1ez"));

    /// <summary>
    /// A display name in a header's base64 encoded word, as MimeKit writes a name beyond ASCII (the letters Notification
    /// sends address their recipient so) and as pasted headers hold it.
    /// </summary>
    [Theory]
    [InlineData("To: =?utf-8?b?Wm/DqyDDhW5nc3Ryw7ZtLU51w7Fleg==?= <x@y.test>", "To: =?utf-8?b?X?= <x@y.test>")]
    [InlineData("From: =?UTF-8?B?Wm/DqyDDhW5nc3Ryw7ZtLU51w7Fleg==?=", "From: =?UTF-8?B?X?=")]
    [InlineData("Inside another: QUJDWm/DqyDDhW5nc3Ryw7ZtLU51w7Fleg==", "Inside another: QUJDWm/DqyDDhW5nc3Ryw7ZtLU51w7Fleg==")]
    public void A_full_name_in_a_base64_encoded_word_is_replaced(string text, string expected) =>
        Assert.Equal(expected, ReplacedSpellings(text, "Zo\u00EB \u00C5ngstr\u00F6m-Nu\u00F1ez"));

    /// <summary>
    /// A person typing a name copies some of its words and types the others on a keyboard without their diacritics:
    /// each word with or without them is the name.
    /// </summary>
    [Theory]
    [InlineData("Typed: Zoe \u00C5ngstr\u00F6m-Nu\u00F1ez and Zo\u00EB Angstrom-Nunez.", "Typed: X and X.")]
    [InlineData("\u00C5ngstr\u00F6m-Nu\u00F1ez, Zoe and zoe_\u00E5ngstr\u00F6m-nu\u00F1ez", "X and X")]
    public void A_full_name_with_the_diacritics_of_some_of_its_words_left_out_is_replaced(string text, string expected) =>
        Assert.Equal(expected, ReplacedSpellings(text, "Zo\u00EB \u00C5ngstr\u00F6m-Nu\u00F1ez"));

    /// <summary>
    /// A name with an apostrophe percent-encoded with the other apostrophe than it was given with (a phone's smart
    /// punctuation writes ’ for '), and a name in HTML's named character references (as HTML editors and PHP's
    /// htmlentities write letters beyond ASCII: named where HTML names them, as they are where it does not).
    /// </summary>
    [Theory]
    [InlineData("Se\u00E1n O'Brien", "?n=Se%C3%A1n%20O%E2%80%99Brien&m=Sean+O%E2%80%99Brien", "?n=X&m=X")]
    [InlineData("Ciara O\u2019Neill", "?n=Ciara%20O%27Neill&m=Ciara+O%27Neill", "?n=X&m=X")]
    [InlineData("Zo\u00EB \u00C5ngstr\u00F6m", "<b>Zo&euml; &Aring;ngstr&ouml;m</b> (ZO&EUML; &ARING;NGSTR&OUML;M)", "<b>X</b> (X)")]
    [InlineData("\u0141ukasz \u017B\u00F3\u0142\u0107", "<p>\u0141ukasz \u017B&oacute;\u0142\u0107</p>", "<p>X</p>")]
    [InlineData("Zo\u00EB \u00C5ngstr\u00F6m", "Zo&euml; &Aring;ngstr&ouml;ms stays", "Zo&euml; &Aring;ngstr&ouml;ms stays")]
    public void A_full_name_with_its_apostrophe_encoded_otherwise_or_its_letters_named_in_html_is_replaced(string name, string text, string expected) =>
        Assert.Equal(expected, ReplacedSpellings(text, name));

    /// <summary>
    /// A name of letters HTML 4 names and letters beyond Latin-1 (Ł) in HTML as encoders write it: .NET's
    /// <c>WebUtility.HtmlEncode</c> (and <c>HttpUtility</c>'s) Latin-1's letters as decimal references and the others as
    /// they are, Perl's HTML::Entities named where HTML names the letter and hexadecimal elsewhere, TinyMCE's
    /// "named+numeric" named and decimal.
    /// </summary>
    [Theory]
    [InlineData("<p>&THORN;&oacute;runn &AElig;gisd&oacute;ttir-&#x141;ukasiewicz</p>", "<p>X</p>")]
    [InlineData("<p>&THORN;&oacute;runn &AElig;gisd&oacute;ttir-&#321;ukasiewicz</p>", "<p>X</p>")]
    [InlineData("<p>&THORN;&oacute;runn &AElig;gisd&oacute;ttir-&#321;ukasiewiczowa</p>", "<p>&THORN;&oacute;runn &AElig;gisd&oacute;ttir-&#321;ukasiewiczowa</p>")]
    [InlineData(null, "<p>X</p>")]
    public void A_full_name_beyond_latin_1_in_html_as_encoders_write_it_is_replaced(string? text, string expected)
    {
        const string name = "\u00DE\u00F3runn \u00C6gisd\u00F3ttir-\u0141ukasiewicz";

        Assert.Equal(expected, ReplacedSpellings(text ?? $"<p>{System.Net.WebUtility.HtmlEncode(name)}</p>", name));
    }

    /// <summary>
    /// An address in JSON as System.Text.Json writes it by default: <c>+</c>, <c>'</c> and every letter beyond ASCII as
    /// <c>\uXXXX</c> (Python's <c>json.dumps</c> writes those letters so too, in lower case); in a link built by hand,
    /// or by an encoder that leaves <c>+</c> as it is, with only its <c>@</c> percent-encoded; and, with an internationalised
    /// domain, percent-encoded with its letters beyond ASCII left as they are, as a browser shows a link and people copy it
    /// from there (found in a local run: <c>Siobhan.Nguyen%2BHelp%40Bücher.example</c> stayed in another customer's ticket);
    /// and with its domain's dots as an ideographic full stop, which IDNA maps to a dot (the same local run:
    /// <c>Siobhan.Nguyen+Help@bücher。example</c>, which Directory takes for her address, stayed).
    /// </summary>
    [Theory]
    [InlineData("shared+desk@both.test", "{\"address\":\"shared\\u002Bdesk@both.test\"}", "{\"address\":\"X\"}")]
    [InlineData("shared+desk@both.test", "{\"address\":\"SHARED\\u002bDESK@BOTH.TEST\",\"x\":1}", "{\"address\":\"X\",\"x\":1}")]
    [InlineData("o'brien@both.test", "{\"address\":\"o\\u0027brien@both.test\"}", "{\"address\":\"X\"}")]
    [InlineData("jane@b\u00FCcher.example", "{\"address\": \"jane@b\\u00fccher.example\"}", "{\"address\": \"X\"}")]
    [InlineData("shared+desk@both.test", "{\"address\":\"shared\\u002Bdesks@both.test\"} is another mailbox", "{\"address\":\"shared\\u002Bdesks@both.test\"} is another mailbox")]
    [InlineData("zoe+desk@both.test", "?to=zoe+desk%40both.test&x=1 and mailto:ZOE+DESK%40BOTH.TEST", "?to=X&x=1 and mailto:X")]
    [InlineData("zoe+desk@both.test", "?to=zoe+desks%40both.test is another mailbox", "?to=zoe+desks%40both.test is another mailbox")]
    [InlineData("siobhan.nguyen+help@b\u00FCcher.example", "mailto:Siobhan.Nguyen%2BHelp%40B\u00FCcher.example?subject=hi", "mailto:X?subject=hi")]
    [InlineData("siobhan.nguyen+help@b\u00FCcher.example", "?to=siobhan.nguyen+help%40B\u00DCCHER.example&x=1", "?to=X&x=1")]
    [InlineData("jane@b\u00FCcher.example", "mailto:jane%40b\u00FCcher.example", "mailto:X")]
    [InlineData("siobhan.nguyen+help@b\u00FCcher.example", "Siobhan.Nguyen+Help@B\u00FCcher\u3002example, jane@b\u00FCcher\uFF0Eexample", "X, jane@b\u00FCcher\uFF0Eexample")]
    [InlineData("jane@both.test", "<jane@both\uFF61test> and JANE@BOTH\u3002TEST; jane@other\u3002test stays", "<X> and X; jane@other\u3002test stays")]
    public void An_address_escaped_in_json_percent_encoded_or_with_ideographic_dots_is_replaced(string address, string text, string expected)
    {
        var spellings = MentionTokens.AddressSpellings(address).ToList();
        Assert.Equal(expected, spellings.Aggregate(text, (current, spelling) => MentionTokens.ReplaceAnywhere(current, spelling, "X")));
        Assert.Equal(expected != text, spellings.Any(spelling => MentionTokens.Names(text, spelling)));
        foreach (var spelling in spellings.Where(spelling => MentionTokens.Names(text, spelling)))
        {
            Assert.Subset(Mentions.Of([text]).ToHashSet(), Mentions.QueryTokens(spelling).ToHashSet());
        }
    }
}
