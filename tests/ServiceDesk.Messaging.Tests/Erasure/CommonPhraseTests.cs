using ServiceDesk.Messaging.Erasure;
using Xunit;

namespace ServiceDesk.Messaging.Tests.Erasure;

public sealed class CommonPhraseTests
{
    [Fact]
    public void A_name_is_common_in_a_project_whose_texts_holding_it_have_more_than_the_most_reporters()
    {
        var common = Enumerable.Range(0, CommonPhrase.MostReporters + 1).Select(reporter => ("HELP", (string?)$"reporter-{reporter}"));
        // One reporter writing it into many texts, and texts whose reporter is not known, count once and not at all.
        var oneReporter = Enumerable.Range(0, 50).Select(_ => ("OTHER", (string?)"prolific"));
        var unknownReporters = Enumerable.Range(0, 50).Select(_ => ("OLD", (string?)null));
        var justUnder = Enumerable.Range(0, CommonPhrase.MostReporters).Select(reporter => ("NEAR", (string?)$"reporter-{reporter}"));

        var reporters = CommonPhrase.ReportersPerProject([.. common, .. oneReporter, .. unknownReporters, .. justUnder, .. common]);

        Assert.Equal(CommonPhrase.ReportersToCount, reporters["HELP"]);
        Assert.Equal(1, reporters["OTHER"]);
        Assert.Equal(0, reporters["OLD"]);
        Assert.Equal(CommonPhrase.MostReporters, reporters["NEAR"]);
        Assert.Equal(["HELP"], CommonPhrase.ProjectsWhereCommon(reporters));
    }

    [Fact]
    public void Reporters_are_counted_up_to_the_limit_given()
    {
        var reporters = CommonPhrase.ReportersPerProject(Enumerable.Range(0, 100).Select(reporter => ("HELP", (string?)$"reporter-{reporter}")), upTo: 3);

        Assert.Equal(3, reporters["HELP"]);
    }
}
