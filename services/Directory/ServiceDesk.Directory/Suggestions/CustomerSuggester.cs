using System.Diagnostics.Metrics;
using ServiceDesk.Directory.Customers;
using ServiceDesk.Directory.Projects;
using ServiceDesk.Hosting.Errors;
using SuggestionMatch = ServiceDesk.Contracts.Directory.V1.SuggestionMatch;

namespace ServiceDesk.Directory.Suggestions;

public sealed record Suggestion(CustomerSummary Customer, SuggestionMatch Match);

/// <summary>
/// The picker's autocomplete: one index look-up per kind of match, best kind first (exact address, then
/// name-word prefix, then address prefix), each in name order, until the limit is reached. Candidates come from
/// the in-memory <see cref="SuggestionIndex"/> (the store keeps no search keys; a call waits for the index's
/// first load). The store decides what is offered, through one read per call: the project's change stamp. When the
/// index has applied every change of the project up to it, the index holds what the store holds and answers alone;
/// otherwise the candidates are read back from the store, only as many at a time as are still needed, and each is
/// offered only if it still exists, still belongs to the project and still matches.
/// <para>
/// Meter "ServiceDesk.Directory.Suggestions", counter <c>servicedesk.suggestions.calls</c>, tagged <c>answered_from</c>
/// <c>index</c> or <c>store</c>: how often a replica's index was behind the store.
/// </para>
/// </summary>
public sealed class CustomerSuggester
{
    public const string MeterName = "ServiceDesk.Directory.Suggestions";

    // Candidates asked for beyond what is needed, for those the store no longer confirms.
    private const int StaleAllowance = 4;

    /// <summary>How long a call right after start waits for the index's first load before answering UNAVAILABLE.</summary>
    private static readonly TimeSpan LoadWait = TimeSpan.FromSeconds(10);

    private static readonly IReadOnlySet<string> NoneSuggested = new HashSet<string>();

    private static readonly KeyValuePair<string, object?> FromIndex = new("answered_from", "index");
    private static readonly KeyValuePair<string, object?> FromStore = new("answered_from", "store");

    private readonly ICustomerStore _customers;
    private readonly IProjectStore _projects;
    private readonly SuggestionIndex _index;
    private readonly Counter<long> _calls;

    public CustomerSuggester(ICustomerStore customers, IProjectStore projects, SuggestionIndex index, IMeterFactory meters)
    {
        _customers = customers;
        _projects = projects;
        _index = index;
        _calls = meters.Create(MeterName).CreateCounter<long>(
            "servicedesk.suggestions.calls", description: "Suggestion calls, by whether the index alone answered or the store confirmed its candidates.");
    }

    public async Task<IReadOnlyList<Suggestion>> SuggestAsync(string projectKey, string text, int limit, CancellationToken cancellationToken)
    {
        await WhenIndexLoadedAsync(cancellationToken);
        var indexIsCurrent = _index.IsCurrent(projectKey, await _customers.GetChangeStampAsync(projectKey, cancellationToken));
        _calls.Add(1, indexIsCurrent ? FromIndex : FromStore);
        var suggestions = new List<Suggestion>(limit);
        HashSet<string>? suggested = null;
        foreach (var (match, key) in SearchKeys.LookUps(projectKey, text))
        {
            var remaining = limit - suggestions.Count;
            if (remaining == 0)
            {
                break;
            }

            // One look-up finds each customer once; only a later one may find a customer already offered. The set
            // of offered ids is made when that happens: the picker's every keystroke is usually answered by one.
            if (suggestions.Count > 0)
            {
                suggested ??= new HashSet<string>(suggestions.Select(suggestion => suggestion.Customer.Id), StringComparer.Ordinal);
            }

            var found = indexIsCurrent
                ? _index.FindFirstByName(projectKey, key, remaining + suggestions.Count)
                : await ConfirmFirstByNameAsync(projectKey, key, remaining, suggested ?? NoneSuggested, cancellationToken);
            for (var at = 0; at < found.Count && suggestions.Count < limit; at++)
            {
                if (suggested?.Add(found[at].Id) ?? true)
                {
                    suggestions.Add(new Suggestion(found[at], match));
                }
            }
        }

        // A customer the store confirmed in the project proves the project is registered: customers join only
        // registered projects, and a key is never unregistered. Only an empty answer has to tell an unknown project.
        if (suggestions.Count == 0)
        {
            await _projects.EnsureExistsAsync(projectKey, "project_key", cancellationToken);
        }

        return suggestions;
    }

    private async Task WhenIndexLoadedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _index.Loaded.WaitAsync(LoadWait, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new UnavailableException("Customer suggestions are not ready yet: the suggestion index is still loading. Retry shortly.");
        }
    }

    /// <summary>
    /// The first <paramref name="limit"/> customers in name order that match <paramref name="key"/>, leaving out
    /// <paramref name="suggested"/>, each confirmed by the store. Only as many candidates are read as are still
    /// needed: usually the index lags by a few customers only and one read of <paramref name="limit"/> customers is all.
    /// </summary>
    private async Task<IReadOnlyList<CustomerSummary>> ConfirmFirstByNameAsync(
        string projectKey, SearchKeyMatch key, int limit, IReadOnlySet<string> suggested, CancellationToken cancellationToken)
    {
        // Customers suggested for a better reason come back here too: ask for enough to skip them.
        var candidates = _index.FindFirstByName(projectKey, key, limit + suggested.Count + StaleAllowance)
            .Select(candidate => candidate.Id)
            .Where(id => !suggested.Contains(id))
            .ToArray();
        var confirmed = new List<CustomerSummary>(limit);
        for (var next = 0; next < candidates.Length && confirmed.Count < limit;)
        {
            var batch = candidates.AsSpan(next, Math.Min(limit - confirmed.Count, candidates.Length - next)).ToArray();
            next += batch.Length;
            var stored = await _customers.GetSummariesAsync(batch, cancellationToken);
            confirmed.AddRange(batch
                .Select(id => stored.GetValueOrDefault(id))
                .OfType<CustomerSummary>()
                .Where(customer => customer.ProjectKeys.Contains(projectKey, StringComparer.Ordinal) && SearchKeys.For(customer).Any(key.Matches)));
        }

        return confirmed;
    }
}
