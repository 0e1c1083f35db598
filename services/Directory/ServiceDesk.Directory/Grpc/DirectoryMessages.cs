using Google.Protobuf.WellKnownTypes;
using ServiceDesk.Directory.Customers;
using ServiceDesk.Directory.Organizations;
using ServiceDesk.Directory.Suggestions;
using ServiceDesk.Hosting.Auth;
using Messages = ServiceDesk.Contracts.Directory.V1;

namespace ServiceDesk.Directory.Grpc;

/// <summary>Domain records to their v1 messages.</summary>
internal static class DirectoryMessages
{
    /// <summary>The customer as <paramref name="caller"/> may see them: an agent only their own projects' keys.</summary>
    public static Messages.Customer ToMessage(this Customer customer, Caller caller) => new()
    {
        Id = customer.Id,
        Address = customer.Address,
        DisplayName = customer.DisplayName,
        OrganizationId = customer.OrganizationId ?? string.Empty,
        ProjectKeys = { caller.VisibleProjectKeys(customer) },
        CreatedAt = Timestamp.FromDateTimeOffset(customer.CreatedAt),
        UpdatedAt = Timestamp.FromDateTimeOffset(customer.UpdatedAt),
        Version = customer.Version,
    };

    public static Messages.Organization ToMessage(this Organization organization) => new()
    {
        Id = organization.Id,
        Name = organization.Name,
        CreatedAt = Timestamp.FromDateTimeOffset(organization.CreatedAt),
    };

    public static Messages.CustomerSuggestion ToMessage(this Suggestion suggestion) => new()
    {
        CustomerId = suggestion.Customer.Id,
        DisplayName = suggestion.Customer.DisplayName,
        Address = suggestion.Customer.Address,
        Match = suggestion.Match,
    };
}
