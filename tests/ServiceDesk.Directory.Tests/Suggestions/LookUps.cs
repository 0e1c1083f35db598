using ServiceDesk.Directory.Suggestions;
using SuggestionMatch = ServiceDesk.Contracts.Directory.V1.SuggestionMatch;

namespace ServiceDesk.Directory.Tests.Suggestions;

/// <summary>The suggester's look-ups for a text, as the index tests ask the index for them.</summary>
public static class LookUps
{
    public static IEnumerable<SearchKeyMatch> All(string project, string text) => SearchKeys.LookUps(project, text).Select(lookUp => lookUp.Key);

    public static SearchKeyMatch NameWordPrefix(string project, string text) =>
        SearchKeys.LookUps(project, text).Single(lookUp => lookUp.Match == SuggestionMatch.NameWordPrefix).Key;
}
