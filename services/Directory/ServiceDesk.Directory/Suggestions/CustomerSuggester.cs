using ServiceDesk.Directory.Customers;
using ServiceDesk.Directory.Projects;
using ServiceDesk.Hosting.Errors;
using SuggestionMatch = ServiceDesk.Contracts.Directory.V1.SuggestionMatch;

namespace ServiceDesk.Directory.Suggestions;

public sealed record Suggestion(Customer Customer, SuggestionMatch Match);

/// <summary>
/// The picker's autocomplete: one index look-up per kind of match, best kind first (exact address, then
/// name-word prefix, then address prefix), each in name order, until the limit is reached. Candidates come from
/// the in-memory <see cref="SuggestionIndex"/> (the store keeps no search keys; a call waits for the index's
/// first load), read back from the store in one query per kind, and each is offered only if it still exists, still
/// belongs to the project and still matches: the store, not the index, decides what is offered.
/// </summary>
public sealed class CustomerSuggester(ICustomerStore customers, IProjectStore projects, SuggestionIndex index)
{
    // Candidates asked for beyond what is needed, for those the store no longer confirms.
    private const int StaleAllowance = 4;

    /// <summary>How long a call right after start waits for the index's first load before answering UNAVAILABLE.</summary>
    private static readonly TimeSpan LoadWait = TimeSpan.FromSeconds(10);

    public async Task<IReadOnlyList<Suggestion>> SuggestAsync(string projectKey, string text, int limit, CancellationToken cancellationToken)
    {
        await projects.EnsureExistsAsync(projectKey, "project_key", cancellationToken);
        await WhenIndexLoadedAsync(cancellationToken);
        (SuggestionMatch Match, SearchKeyMatch? Key)[] lookUps =
        [
            (SuggestionMatch.ExactAddress, SearchKeys.ExactAddress(projectKey, text)),
            (SuggestionMatch.NameWordPrefix, SearchKeys.NameWordPrefix(projectKey, text)),
            (SuggestionMatch.AddressPrefix, SearchKeys.AddressPrefix(projectKey, text)),
        ];
        var suggestions = new List<Suggestion>(limit);
        foreach (var (match, key) in lookUps)
        {
            var remaining = limit - suggestions.Count;
            if (remaining == 0)
            {
                break;
            }

            if (key is null)
            {
                continue;
            }

            // Customers suggested for a better reason come back here too: ask for enough to skip them.
            var found = await FindFirstByNameAsync(projectKey, key.Value, remaining + suggestions.Count, cancellationToken);
            suggestions.AddRange(found
                .Where(customer => !suggestions.Exists(suggestion => suggestion.Customer.Id == customer.Id))
                .Take(remaining)
                .Select(customer => new Suggestion(customer, match)));
        }

        return suggestions;
    }

    private async Task WhenIndexLoadedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await index.Loaded.WaitAsync(LoadWait, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new UnavailableException("Customer suggestions are not ready yet: the suggestion index is still loading. Retry shortly.");
        }
    }

    private async Task<IReadOnlyList<Customer>> FindFirstByNameAsync(string projectKey, SearchKeyMatch key, int limit, CancellationToken cancellationToken)
    {
        var candidates = index.FindFirstByName(projectKey, key, limit + StaleAllowance);
        var stored = await customers.GetManyAsync(candidates, cancellationToken);
        var confirmed = new List<Customer>(limit);
        foreach (var id in candidates)
        {
            if (stored.TryGetValue(id, out var customer)
                && customer.ProjectKeys.Contains(projectKey, StringComparer.Ordinal)
                && SearchKeys.For(customer).Any(key.Matches))
            {
                confirmed.Add(customer);
                if (confirmed.Count == limit)
                {
                    break;
                }
            }
        }

        return confirmed;
    }
}
