using System.Text.RegularExpressions;
using ServiceDesk.Directory.Suggestions;
using Xunit;
using SuggestionMatch = ServiceDesk.Contracts.Directory.V1.SuggestionMatch;

namespace ServiceDesk.Directory.Tests.Suggestions;

public sealed class SearchKeysTests
{
    [Fact]
    public void A_text_is_folded_once_for_every_kind_of_look_up_best_kind_first()
    {
        var lookUps = SearchKeys.LookUps("HELP", "  JOSÉ Álvarez\u0301 ");

        Assert.Equal(
            [
                (SuggestionMatch.ExactAddress, new SearchKeyMatch("HELP e jose alvarez", IsPrefix: false)),
                (SuggestionMatch.NameWordPrefix, new SearchKeyMatch("HELP n jose alvarez", IsPrefix: true)),
                (SuggestionMatch.AddressPrefix, new SearchKeyMatch("HELP a jose alvarez", IsPrefix: true)),
            ],
            lookUps);
    }

    [Fact]
    public void A_text_without_a_letter_or_digit_looks_up_addresses_only_and_an_empty_one_nothing()
    {
        Assert.Equal([SuggestionMatch.ExactAddress, SuggestionMatch.AddressPrefix], SearchKeys.LookUps("HELP", "@.-").Select(lookUp => lookUp.Match));
        Assert.Empty(SearchKeys.LookUps("HELP", " \t "));
    }

    /// <summary>The words are split by hand, one UTF-16 unit at a time; the regex they were split by is the oracle, for every unit.</summary>
    [Fact]
    public void Name_words_are_the_runs_of_letters_marks_and_digits_for_every_character()
    {
        var word = new Regex(@"[\p{L}\p{M}\p{N}]+");
        for (var unit = 1; unit <= char.MaxValue; unit++)
        {
            var c = (char)unit;
            var lookUps = SearchKeys.LookUps("HELP", $"ab{c}cd {c}x");
            var folded = lookUps.Single(lookUp => lookUp.Match == SuggestionMatch.ExactAddress).Key.Key["HELP e ".Length..];
            var expected = string.Join(' ', word.Matches(folded).Select(match => match.Value));
            var name = lookUps.SingleOrDefault(lookUp => lookUp.Match == SuggestionMatch.NameWordPrefix).Key.Key;

            Assert.True(name == $"HELP n {expected}", $"U+{unit:X4}: \"{name}\", expected \"HELP n {expected}\"");
        }
    }
}
