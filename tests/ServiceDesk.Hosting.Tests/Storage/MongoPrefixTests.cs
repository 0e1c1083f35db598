using System.Text;
using ServiceDesk.Storage.MongoDb;
using Xunit;

namespace ServiceDesk.Hosting.Tests.Storage;

public sealed class MongoPrefixTests
{
    /// <summary>MongoDB's order of strings: their UTF-8 bytes.</summary>
    private static int Compare(string left, string right) =>
        Encoding.UTF8.GetBytes(left).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(right));

    [Theory]
    [InlineData("ab", "ac")]
    [InlineData("a\uD7FF", "a\uE000")] // the surrogate range holds no characters
    [InlineData("a\uffff", "a\U00010000")]
    [InlineData("a\U0010FFFF", "b")]
    public void The_upper_bound_is_the_prefix_with_its_last_code_point_incremented(string prefix, string upper) =>
        Assert.Equal(upper, MongoPrefix.UpperBound(prefix));

    [Fact]
    public void A_prefix_of_only_the_last_code_point_has_no_upper_bound() =>
        Assert.Null(MongoPrefix.UpperBound("\U0010FFFF"));

    [Theory]
    [InlineData("jo")]
    [InlineData("jo\U0001F600")]
    [InlineData("\uffff")]
    public void Every_string_with_the_prefix_lies_below_the_bound_in_utf8_order(string prefix)
    {
        var upper = MongoPrefix.UpperBound(prefix)!;
        string[] tails = ["", "a", "\u00e9", "\uffff", "\U00010000", "\U0001F600", "\U0010FFFF", "\U0001F600\U0001F600"];
        foreach (var tail in tails)
        {
            var value = prefix + tail;
            Assert.True(Compare(prefix, value) <= 0 && Compare(value, upper) < 0, $"{value} outside [{prefix}, {upper})");
        }

        Assert.True(Compare(prefix + "\U0001F600", prefix + "\uffff") > 0, "a supplementary character sorts after U+FFFF: \\uffff is no bound");
    }
}
