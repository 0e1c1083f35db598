using System.Text;
using ServiceDesk.Hosting.Validation;
using Xunit;

namespace ServiceDesk.Hosting.Tests;

public sealed class CaseFoldingTests
{
    [Theory]
    [InlineData("ς", "σ")] // final sigma
    [InlineData("Σ", "σ")]
    [InlineData("ſ", "s")] // long s
    [InlineData("\u212A", "k")] // Kelvin sign
    [InlineData("ΣΊΣΥΦΟΣ", "σίσυφοσ")]
    [InlineData("JANE", "jane")] // keys stored before the fold (lower case) keep their spelling
    [InlineData("\U00010400", "\U00010428")] // Deseret: outside the BMP
    public void Letters_that_share_an_upper_case_fold_to_the_lower_case(string value, string folded) =>
        Assert.Equal(folded, CaseFolding.Fold(value));

    [Theory]
    [InlineData("\U00010D50", "\U00010D70")] // Garay (Unicode 16): cased by .NET, not by every machine's ICU
    [InlineData("Meſſe", "MESSE")]
    public void Text_equal_ignoring_case_folds_alike(string first, string second) =>
        Assert.Equal(CaseFolding.Fold(first), CaseFolding.Fold(second));

    [Theory]
    [InlineData("ı", "i")] // dotless i: OrdinalIgnoreCase keeps it apart from i and I, and so does the fold
    [InlineData("İ", "i")]
    public void Letters_ordinal_ignore_case_keeps_apart_stay_apart(string first, string second) =>
        Assert.NotEqual(CaseFolding.Fold(first), CaseFolding.Fold(second));

    /// <summary>
    /// LiteDB compares folded keys ignoring case, MongoDB byte by byte: they agree when no two distinct folded
    /// keys are equal ignoring case. Checked for every code point.
    /// </summary>
    [Fact]
    public void Folded_keys_equal_ignoring_case_are_identical_so_both_backends_agree()
    {
        var byCaseInsensitiveKey = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var codePoint = 0; codePoint <= 0x10FFFF; codePoint++)
        {
            if (!Rune.IsValid(codePoint))
            {
                continue;
            }

            var folded = CaseFolding.Fold(new Rune(codePoint).ToString());
            Assert.Equal(folded, CaseFolding.Fold(folded));
            if (byCaseInsensitiveKey.TryGetValue(folded, out var other))
            {
                Assert.True(other == folded, $"U+{codePoint:X4} folds to {folded}, equal ignoring case to the different key {other}");
            }
            else
            {
                byCaseInsensitiveKey[folded] = folded;
            }
        }
    }

    [Fact]
    public void Addresses_are_folded_the_same_way()
    {
        Assert.Equal(EmailAddress.Parse("sam@example.com"), EmailAddress.Parse("ſAM@example.com"));
        Assert.Equal(EmailAddress.Parse("σοφία@example.gr"), EmailAddress.Parse("ΣΟΦΊΑ@example.gr"));
    }
}
