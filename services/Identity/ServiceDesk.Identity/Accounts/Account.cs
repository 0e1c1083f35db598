namespace ServiceDesk.Identity.Accounts;

public enum AccountRole
{
    Admin,
    Agent,
    Customer,
}

/// <summary>An account as stored: the login is normalised (<c>EmailAddress</c>), the password only as its hash.</summary>
public sealed record Account
{
    public required string Id { get; init; }

    public required string Login { get; init; }

    public required AccountRole Role { get; init; }

    /// <summary>Agents: the project keys they work in. Empty for other roles.</summary>
    public string[] ProjectKeys { get; init; } = [];

    /// <summary>Customers: their Directory customer id. Null for other roles.</summary>
    public string? CustomerId { get; init; }

    /// <summary>An Argon2id PHC string with its salt and parameters (<see cref="Argon2idPasswordHasher"/>); older accounts' PBKDF2 hashes until their next sign-in.</summary>
    public required string PasswordHash { get; init; }

    public required DateTime CreatedAt { get; init; }

    /// <summary>Set by an admin: the account cannot sign in or refresh until enabled again.</summary>
    public bool Disabled { get; init; }

    public static string NewId() => Guid.NewGuid().ToString("N");
}
