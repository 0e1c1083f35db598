using System.Security.Cryptography;
using System.Text;

namespace ServiceDesk.Identity.ServiceTokens;

/// <summary>Checks a service's secret against the SHA-256 configured for it, in constant time.</summary>
public sealed class ServiceCredentials(IdentityOptions options)
{
    private static readonly byte[] NoHash = new byte[SHA256.HashSizeInBytes];

    public bool Verify(string serviceName, string secret)
    {
        var known = options.ServiceCredentials.TryGetValue(serviceName, out var hex);
        var expected = known ? Convert.FromHexString(hex!) : NoHash;
        var matches = CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), expected);
        return known && matches;
    }
}
