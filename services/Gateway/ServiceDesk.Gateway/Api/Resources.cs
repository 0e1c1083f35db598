using Google.Protobuf.WellKnownTypes;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Notification.V1;
using ServiceDesk.Contracts.Ticketing.V1;

namespace ServiceDesk.Gateway.Api;

/// <summary>One page of a list: <see cref="NextPageToken"/> is empty on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string NextPageToken);

public sealed record AccountResource(string Id, string Login, string Role, IReadOnlyList<string> ProjectKeys, string? CustomerId, DateTimeOffset? CreatedAt, bool Disabled)
{
    public static AccountResource From(Account account) => new(
        account.Id, account.Login, ApiEnum<Role>.Format(account.Role), [.. account.ProjectKeys], NullIfEmpty(account.CustomerId), Time(account.CreatedAt), account.Disabled);

    internal static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    internal static DateTimeOffset? Time(Timestamp? timestamp) => timestamp?.ToDateTimeOffset();
}

/// <summary>A cookie session: who is signed in and the token unsafe requests must send in <c>X-CSRF-Token</c>.</summary>
public sealed record SessionResource(AccountResource Account, string CsrfToken);

/// <summary>Tokens for a non-browser client, sent back as <c>Authorization: Bearer</c>.</summary>
public sealed record TokenResource(string AccessToken, DateTimeOffset? AccessTokenExpiresAt, string RefreshToken, DateTimeOffset? RefreshTokenExpiresAt, AccountResource Account)
{
    public static TokenResource From(SignInResponse response) => new(
        response.AccessToken, AccountResource.Time(response.AccessTokenExpiresAt), response.RefreshToken, AccountResource.Time(response.RefreshTokenExpiresAt),
        AccountResource.From(response.Account));
}

public sealed record CustomerResource(
    string Id, string Address, string DisplayName, string? OrganizationId, IReadOnlyList<string> ProjectKeys, DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt, long Version)
{
    public static CustomerResource From(Customer customer) => new(
        customer.Id, customer.Address, customer.DisplayName, AccountResource.NullIfEmpty(customer.OrganizationId), [.. customer.ProjectKeys],
        AccountResource.Time(customer.CreatedAt), AccountResource.Time(customer.UpdatedAt), customer.Version);
}

public sealed record SuggestionResource(string CustomerId, string DisplayName, string Address, string Match)
{
    public static SuggestionResource From(CustomerSuggestion suggestion) => new(
        suggestion.CustomerId, suggestion.DisplayName, suggestion.Address, ApiEnum<SuggestionMatch>.Format(suggestion.Match));
}

public sealed record OrganizationResource(string Id, string Name, DateTimeOffset? CreatedAt)
{
    public static OrganizationResource From(Organization organization) => new(organization.Id, organization.Name, AccountResource.Time(organization.CreatedAt));
}

public sealed record ProjectResource(string Key, string Name, DateTimeOffset? CreatedAt, bool AcceptMailFromAnyone)
{
    public static ProjectResource From(Project project) => new(project.Key, project.Name, AccountResource.Time(project.CreatedAt), project.AcceptMailFromAnyone);
}

/// <param name="LeftProject">No longer a customer of the ticket's project: agents and other customers then get no name or address.</param>
public sealed record PersonResource(string CustomerId, string DisplayName, string Address, bool Erased, bool LeftProject)
{
    public static PersonResource? From(Person? person) =>
        person is null ? null : new(person.CustomerId, person.DisplayName, person.Address, person.Erased, person.LeftProject);
}

public sealed record CommentResource(
    string Id, string? AuthorAccountId, string? AuthorCustomerId, string? AuthorDisplayName, string Body, bool Internal, DateTimeOffset? CreatedAt)
{
    public static CommentResource From(Comment comment) => new(
        comment.Id, AccountResource.NullIfEmpty(comment.AuthorAccountId), AccountResource.NullIfEmpty(comment.AuthorCustomerId),
        AccountResource.NullIfEmpty(comment.AuthorDisplayName), comment.Body, comment.Internal, AccountResource.Time(comment.CreatedAt));
}

public sealed record TicketResource(
    string Id, long Version, string ProjectKey, string Summary, string Description, PersonResource? Reporter, IReadOnlyList<PersonResource> Participants,
    string Status, IReadOnlyList<CommentResource> Comments, DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt)
{
    public static TicketResource From(Ticket ticket) => new(
        ticket.Id, ticket.Version, ticket.ProjectKey, ticket.Summary, ticket.Description, PersonResource.From(ticket.Reporter),
        [.. ticket.Participants.Select(person => PersonResource.From(person)!)], ApiEnum<TicketStatus>.Format(ticket.Status),
        [.. ticket.Comments.Select(CommentResource.From)], AccountResource.Time(ticket.CreatedAt), AccountResource.Time(ticket.UpdatedAt));
}

/// <summary>One service's part of a removal; <see cref="Overdue"/> is Directory's flag for a service still pending past its participant timeout.</summary>
public sealed record ParticipantStatusResource(string Service, string State, IReadOnlyDictionary<string, long> Counts, string? Error, DateTimeOffset? UpdatedAt, bool Overdue)
{
    public static ParticipantStatusResource From(ParticipantStatus status) => new(
        status.Service, ApiEnum<ParticipantState>.Format(status.State), new Dictionary<string, long>(status.Counts), AccountResource.NullIfEmpty(status.Error),
        AccountResource.Time(status.UpdatedAt), status.Overdue);
}

public sealed record ErasureResource(
    string Id, string CustomerId, string Mode, string Reason, string? SuccessorCustomerId, string RequestedBy, string? ApprovedBy, string Status,
    DateTimeOffset? ReceivedAt, DateTimeOffset? DueAt, DateTimeOffset? CompletedAt, bool Overdue, IReadOnlyList<ParticipantStatusResource> Participants,
    string? RejectionReason, string? RejectedBy, ReinstatementResource? Reinstatement)
{
    public static ErasureResource From(ErasureRequest request) => new(
        request.Id, request.CustomerId, ApiEnum<ErasureMode>.Format(request.Mode), ApiEnum<ErasureReason>.Format(request.Reason),
        AccountResource.NullIfEmpty(request.SuccessorCustomerId), request.RequestedBy, AccountResource.NullIfEmpty(request.ApprovedBy),
        ApiEnum<ErasureStatus>.Format(request.Status), AccountResource.Time(request.ReceivedAt), AccountResource.Time(request.DueAt),
        AccountResource.Time(request.CompletedAt),
        request.Overdue,
        [.. request.Participants.Select(ParticipantStatusResource.From)],
        request.RejectionReason == default ? null : ApiEnum<ServiceDesk.Contracts.Directory.V1.RejectionReason>.Format(request.RejectionReason),
        AccountResource.NullIfEmpty(request.RejectedBy),
        request.Reinstatement is { } reinstatement ? ReinstatementResource.From(reinstatement) : null);
}

/// <summary>Who lifted a removal's tombstones (not shown to the customer), why and when.</summary>
public sealed record ReinstatementResource(string Reason, string? ReinstatedBy, DateTimeOffset? ReinstatedAt)
{
    public static ReinstatementResource From(Reinstatement reinstatement) => new(
        ApiEnum<ReinstatementReason>.Format(reinstatement.Reason), AccountResource.NullIfEmpty(reinstatement.ReinstatedBy), AccountResource.Time(reinstatement.ReinstatedAt));
}

public sealed record ServiceImpactResource(string Service, IReadOnlyDictionary<string, long> Counts, string? Error)
{
    public static ServiceImpactResource From(ServiceImpact impact) => new(impact.Service, new Dictionary<string, long>(impact.Counts), AccountResource.NullIfEmpty(impact.Error));
}

public sealed record RemovalPreviewResource(string CustomerId, IReadOnlyList<ServiceImpactResource> Impacts)
{
    public static RemovalPreviewResource From(RemovalPreview preview) => new(preview.CustomerId, [.. preview.Impacts.Select(ServiceImpactResource.From)]);
}

public sealed record DeliveryResource(
    string Id, string TicketId, string ProjectKey, string RecipientCustomerId, string RecipientAddress, string Template, string Status, DateTimeOffset? CreatedAt, DateTimeOffset? SentAt)
{
    public static DeliveryResource From(Delivery delivery) => new(
        delivery.Id, delivery.TicketId, delivery.ProjectKey, delivery.RecipientCustomerId, delivery.RecipientAddress, delivery.Template,
        ApiEnum<DeliveryStatus>.Format(delivery.Status), AccountResource.Time(delivery.CreatedAt), AccountResource.Time(delivery.SentAt));
}
