using ServiceDesk.Directory.Customers;
using ServiceDesk.Directory.Projects;
using SuggestionMatch = ServiceDesk.Contracts.Directory.V1.SuggestionMatch;

namespace ServiceDesk.Directory.Suggestions;

public sealed record Suggestion(Customer Customer, SuggestionMatch Match);

/// <summary>
/// The picker's autocomplete: one index look-up per kind of match, best kind first (exact address, then
/// name-word prefix, then address prefix), each in name order, until the limit is reached.
/// </summary>
public sealed class CustomerSuggester(ICustomerStore customers, IProjectStore projects)
{
    public async Task<IReadOnlyList<Suggestion>> SuggestAsync(string projectKey, string text, int limit, CancellationToken cancellationToken)
    {
        await projects.EnsureExistsAsync(projectKey, "project_key", cancellationToken);
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
            var found = await customers.FindFirstByNameAsync(projectKey, key.Value, remaining + suggestions.Count, cancellationToken);
            suggestions.AddRange(found
                .Where(customer => !suggestions.Exists(suggestion => suggestion.Customer.Id == customer.Id))
                .Take(remaining)
                .Select(customer => new Suggestion(customer, match)));
        }

        return suggestions;
    }
}
