using System.Security.Cryptography;

namespace ServiceDesk.Notification.Tests;

/// <summary>Values unique to one test, so tests sharing hosts never see each other's data.</summary>
internal static class TestData
{
    /// <summary>A valid project key: "N" and eight random upper-case letters.</summary>
    public static string ProjectKey() => "N" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 8);

    /// <summary>An address no other test uses.</summary>
    public static string Address() => $"person.{Guid.NewGuid():N}@example.test";
}
