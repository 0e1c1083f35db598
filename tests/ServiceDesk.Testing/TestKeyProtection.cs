using System.Security.Cryptography;
using ServiceDesk.Hosting.KeyProtection;

namespace ServiceDesk.Testing;

/// <summary>
/// The key-encryption key (<c>KeyProtection:Key</c>) every test host and store gets, so keys are wrapped as in
/// production. A test that needs another makes its own with <see cref="NewKey"/>.
/// </summary>
public static class TestKeyProtection
{
    public const string Key = "q0lXyRzv0pmxQ1p2hSyjV9T2wNH3b1Fq6vZ3d7Lr0a4=";

    /// <summary>A KEK the current one replaced, for hosts that list it in <c>KeyProtection:RetiredKeys</c>.</summary>
    public const string RetiredKey = "n7V2mXcQ0rT5uW8yZa3bD6eG9hJ1kL4oP7sR0tU3vX8=";

    public static KeyWrapper Wrapper { get; } = WrapperOf(Key);

    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static KeyWrapper WrapperOf(string key, params string[] retiredKeys) => new(new KeyProtectionOptions { Key = key, RetiredKeys = retiredKeys });
}
