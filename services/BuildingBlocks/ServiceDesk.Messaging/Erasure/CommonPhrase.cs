namespace ServiceDesk.Messaging.Erasure;

/// <summary>
/// When a removed customer's full name is a phrase many people use in a project ("Thank you": a customer chooses their
/// own display name), not a reference to them: when other people's texts there that hold it (Ticketing's tickets,
/// Notification's letters about them) are about the tickets of more than <see cref="MostReporters"/> different
/// reporters. Such a name is left in that project's texts, so a removal does not garble other people's words.
/// Reporters and projects, not texts or recipients: one customer writing the name into ticket after ticket, one ticket
/// copying in many customers, or anyone in another project, would otherwise keep it in every text naming her. Ticketing's
/// and Notification's parts of a removal decide by this one rule.
/// </summary>
public static class CommonPhrase
{
    public const int MostReporters = 20;

    /// <summary>Enough reporters counted per project to tell a common phrase: counting further reads nothing new.</summary>
    public const int ReportersToCount = MostReporters + 1;

    /// <summary>
    /// The different reporters of <paramref name="texts"/> per project, each counted up to <paramref name="upTo"/>; a
    /// text whose reporter is not known counts for no one.
    /// </summary>
    public static IReadOnlyDictionary<string, int> ReportersPerProject(IEnumerable<(string ProjectKey, string? ReporterId)> texts, int upTo = ReportersToCount)
    {
        var reporters = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (projectKey, reporterId) in texts)
        {
            if (!reporters.TryGetValue(projectKey, out var ofProject))
            {
                reporters[projectKey] = ofProject = new HashSet<string>(StringComparer.Ordinal);
            }

            if (reporterId is not null && ofProject.Count < upTo)
            {
                ofProject.Add(reporterId);
            }
        }

        return reporters.ToDictionary(project => project.Key, project => project.Value.Count, StringComparer.Ordinal);
    }

    /// <summary>The projects where the name is a common phrase, given <see cref="ReportersPerProject"/> of the texts holding it.</summary>
    public static IReadOnlySet<string> ProjectsWhereCommon(IReadOnlyDictionary<string, int> reportersPerProject) =>
        reportersPerProject.Where(project => project.Value > MostReporters).Select(project => project.Key).ToHashSet(StringComparer.Ordinal);
}
