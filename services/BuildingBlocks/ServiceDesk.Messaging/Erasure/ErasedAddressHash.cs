using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Messaging.Erasure;

/// <summary>
/// The keyed hash by which an erased address is remembered without being stored: HMAC-SHA256 under the tombstone
/// pepper (<c>Erasure:TombstonePepper</c>) of the normalised address, base64url without padding (43 characters).
/// Directory writes it into tombstones and erasure commands; participants compare against it.
/// </summary>
public static class ErasedAddressHash
{
    public const int Length = 43;

    public static string Compute(ReadOnlySpan<byte> pepper, string address) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(pepper, Encoding.UTF8.GetBytes(Normalize(address))));

    /// <summary>
    /// As <see cref="EmailAddress"/> stores it (trimmed, Unicode NFC, case-folded, one spelling of its domain): every
    /// spelling that is stored as one address gives one hash (lower-casing alone kept ſam@ apart from sam@, so an erased
    /// address could be stored again under such a spelling). A text that is no address is only trimmed, NFC and folded.
    /// </summary>
    public static string Normalize(string address) =>
        EmailAddress.TryParse(address, out var parsed) ? parsed.Value : CaseFolding.Fold(address.Trim().Normalize(NormalizationForm.FormC));

    /// <summary>Whether <paramref name="value"/> has the shape of a hash this class computes.</summary>
    public static bool IsWellFormed(string value) =>
        value.Length == Length && Base64Url.IsValid(value, out var decodedLength) && decodedLength == HMACSHA256.HashSizeInBytes;
}
