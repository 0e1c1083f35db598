using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Directory.Organizations;

public sealed record Organization(string Id, string Name, DateTimeOffset CreatedAt)
{
    public const int MaxNameLength = 200;

    public string NameKey => NameKeyOf(Name);

    /// <summary>Names are unique case-insensitively: this is the spelling the unique index holds, the same on every backend.</summary>
    public static string NameKeyOf(string name) => CaseFolding.Fold(name);
}
