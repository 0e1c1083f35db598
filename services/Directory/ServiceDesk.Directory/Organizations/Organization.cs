namespace ServiceDesk.Directory.Organizations;

public sealed record Organization(string Id, string Name, DateTimeOffset CreatedAt)
{
    public const int MaxNameLength = 200;

    public string NameKey => NameKeyOf(Name);

    /// <summary>Names are unique case-insensitively: this is the spelling the unique index holds.</summary>
    public static string NameKeyOf(string name) => name.ToLowerInvariant();
}
