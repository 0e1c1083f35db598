using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace ServiceDesk.Messaging.Erasure;

// Temporary: the agreed signature of the erasure building block (branch erasure), until it lands; then deleted.
public static class ErasedAddressHash
{
    public static string Compute(ReadOnlySpan<byte> pepper, string address) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(pepper, Encoding.UTF8.GetBytes(address.Trim().Normalize(NormalizationForm.FormC).ToLowerInvariant())));
}
