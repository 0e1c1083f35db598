using Google.Protobuf.WellKnownTypes;
using ServiceDesk.Directory.Customers;
using ServiceDesk.Directory.Organizations;
using ServiceDesk.Directory.Suggestions;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.KeyProtection;
using Messages = ServiceDesk.Contracts.Directory.V1;

namespace ServiceDesk.Directory.Grpc;

/// <summary>Domain records to their v1 messages.</summary>
internal static class DirectoryMessages
{
    /// <summary>
    /// The customer as <paramref name="caller"/> may see them. Admins, services and the customer themselves: the
    /// record. Agents: the <see cref="AgentView"/> from <paramref name="seenFrom"/> (the project the agent named the
    /// customer through), with the id scoped to that project.
    /// </summary>
    public static Messages.Customer ToMessage(this Customer customer, Caller caller, ProjectScopedIds scopedIds, string? seenFrom = null)
    {
        if (caller.Role != CallerRole.Agent)
        {
            return new()
            {
                Id = customer.Id,
                Address = customer.Address,
                DisplayName = customer.DisplayName,
                OrganizationId = customer.OrganizationId ?? string.Empty,
                ProjectKeys = { customer.ProjectKeys },
                CreatedAt = Timestamp.FromDateTimeOffset(customer.CreatedAt),
                UpdatedAt = Timestamp.FromDateTimeOffset(customer.UpdatedAt),
                Version = customer.Version,
            };
        }

        var view = AgentView.Of(customer, caller, seenFrom);
        return new()
        {
            Id = scopedIds.For(customer.Id, view.ProjectKey),
            Address = customer.Address,
            DisplayName = customer.DisplayName,
            OrganizationId = view.OrganizationId ?? string.Empty,
            ProjectKeys = { view.ProjectKeys },
            CreatedAt = Timestamp.FromDateTimeOffset(view.CreatedAt),
            UpdatedAt = Timestamp.FromDateTimeOffset(view.UpdatedAt),
            Version = view.Version,
        };
    }

    public static Messages.Organization ToMessage(this Organization organization) => new()
    {
        Id = organization.Id,
        Name = organization.Name,
        CreatedAt = Timestamp.FromDateTimeOffset(organization.CreatedAt),
    };

    /// <summary>To an agent, the customer's id scoped to the project suggested from.</summary>
    public static Messages.CustomerSuggestion ToMessage(this Suggestion suggestion, Caller caller, ProjectScopedIds scopedIds, string projectKey) => new()
    {
        CustomerId = caller.Role == CallerRole.Agent ? scopedIds.For(suggestion.Customer.Id, projectKey) : suggestion.Customer.Id,
        DisplayName = suggestion.Customer.DisplayName,
        Address = suggestion.Customer.Address,
        Match = suggestion.Match,
    };
}
