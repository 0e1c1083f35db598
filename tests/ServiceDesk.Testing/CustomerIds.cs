using System.Security.Cryptography;
using System.Text;

namespace ServiceDesk.Testing;

/// <summary>Customer ids of the shape Directory gives (32 lower-case hex digits) for tests without a Directory, named for reading: one name, one id.</summary>
public static class CustomerIds
{
    public static string Named(string name) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name))[..16]);
}
