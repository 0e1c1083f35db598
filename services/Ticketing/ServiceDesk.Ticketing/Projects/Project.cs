namespace ServiceDesk.Ticketing.Projects;

/// <summary>A service project: tickets belong to one. <see cref="AcceptMailFromAnyone"/> lets unknown senders raise requests by e-mail.</summary>
public sealed record Project(string Key, string Name, bool AcceptMailFromAnyone, DateTimeOffset CreatedAt)
{
    public const int MaxNameLength = 200;
}
