using System.Text;
using ServiceDesk.Hosting.Validation;
using ServiceDesk.Messaging.Erasure;
using Xunit;

namespace ServiceDesk.Messaging.Tests.Erasure;

public sealed class ErasedAddressHashTests
{
    private static readonly byte[] Pepper = Encoding.UTF8.GetBytes("tests-only-tombstone-pepper-0123");

    [Theory]
    [InlineData("José@Example.com")]
    [InlineData("  JOSÉ@EXAMPLE.COM\t")]
    [InlineData("jose\u0301@example.com")]
    public void Every_spelling_of_one_address_has_one_hash(string spelling) =>
        Assert.Equal(ErasedAddressHash.Compute(Pepper, "josé@example.com"), ErasedAddressHash.Compute(Pepper, spelling));

    [Theory]
    [InlineData("\u017Fam@example.com", "sam@example.com")]
    [InlineData("\u03C3\u03C2@example.com", "\u03C3\u03C3@example.com")]
    [InlineData("K\u212A@example.com", "kk@example.com")]
    [InlineData("jane@xn--bcher-kva.example", "jane@b\u00FCcher.example")]
    [InlineData("jane@\uFF42\u00FCcher.example", "jane@b\u00FCcher.example")]
    [InlineData("jane@\uFF45\uFF58\uFF41\uFF4D\uFF50\uFF4C\uFF45.com", "jane@example.com")]
    public void Every_spelling_stored_as_one_address_has_that_address_hash(string spelling, string stored)
    {
        Assert.Equal(stored, EmailAddress.Parse(spelling).Value);
        Assert.Equal(ErasedAddressHash.Compute(Pepper, stored), ErasedAddressHash.Compute(Pepper, spelling));
    }

    [Fact]
    public void The_hash_is_the_base64url_HMAC_SHA256_under_the_pepper_and_says_nothing_without_it()
    {
        var hash = ErasedAddressHash.Compute(Pepper, "someone@example.com");

        Assert.Equal(ErasedAddressHash.Length, hash.Length);
        Assert.True(ErasedAddressHash.IsWellFormed(hash));
        Assert.Equal(
            Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(Pepper, "someone@example.com"u8)).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            hash);
        Assert.NotEqual(hash, ErasedAddressHash.Compute(Encoding.UTF8.GetBytes("another-pepper-of-thirty-two-by!"), "someone@example.com"));
        Assert.NotEqual(hash, ErasedAddressHash.Compute(Pepper, "someone.else@example.com"));
        Assert.False(ErasedAddressHash.IsWellFormed(hash[..^1]));
        Assert.False(ErasedAddressHash.IsWellFormed(hash[..^1] + "+"));
    }
}
