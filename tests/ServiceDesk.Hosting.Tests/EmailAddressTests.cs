using ServiceDesk.Hosting.Validation;
using Xunit;

namespace ServiceDesk.Hosting.Tests;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("  Jane.Doe@Example.COM ", "jane.doe@example.com")]
    [InlineData("JOSÉ@Correo.ES", "josé@correo.es")]
    [InlineData("a+tag@sub.example.org", "a+tag@sub.example.org")]
    public void Addresses_are_trimmed_and_case_folded(string input, string expected)
    {
        Assert.True(EmailAddress.TryParse(input, out var address));
        Assert.Equal(expected, address.Value);
    }

    [Fact]
    public void The_bound_applies_to_the_address_as_sent_so_a_megabyte_of_padding_is_not_trimmed_away()
    {
        Assert.True(EmailAddress.TryParse($" {new string('a', 64)}@example.com ", out _));
        Assert.False(EmailAddress.TryParse(new string(' ', 1_000_000) + "jane@example.com", out _));
    }

    [Fact]
    public void A_decomposed_accent_and_a_precomposed_one_are_the_same_address()
    {
        Assert.True(EmailAddress.TryParse("jose\u0301@example.com", out var decomposed));
        Assert.True(EmailAddress.TryParse("jos\u00e9@example.com", out var precomposed));
        Assert.Equal(precomposed, decomposed);
        Assert.Equal("jos\u00e9@example.com", decomposed.Value);
    }

    [Theory]
    [InlineData("jane@xn--bcher-kva.example")]
    [InlineData("jane@XN--BCHER-KVA.example")]
    [InlineData("jane@B\u00DCCHER.example")]
    [InlineData("jane@bu\u0308cher.example")]
    [InlineData("jane@\uFF42\u00FCcher.example")]
    public void Every_spelling_of_an_internationalised_domain_is_its_one_unicode_form(string input) =>
        Assert.Equal("jane@b\u00FCcher.example", EmailAddress.Parse(input).Value);

    [Fact]
    public void Full_width_letters_of_a_domain_are_its_ascii_letters() =>
        Assert.Equal("jane@example.com", EmailAddress.Parse("jane@\uFF25\uFF38\uFF21\uFF2D\uFF30\uFF2C\uFF25.com").Value);

    [Fact]
    public void The_local_part_and_domain_are_split_at_the_at_sign()
    {
        var address = EmailAddress.Parse("jane@example.com");
        Assert.Equal("jane", address.LocalPart);
        Assert.Equal("example.com", address.Domain);
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("@example.com")]
    [InlineData("jane@")]
    [InlineData("jane@localhost")]
    [InlineData("ja ne@example.com")]
    [InlineData("jane@@example.com")]
    [InlineData("jane@exa_mple.com")]
    [InlineData(".jane@example.com")]
    [InlineData("ja..ne@example.com")]
    [InlineData("jane@-example.com")]
    [InlineData("jane@xn--.example")]
    [InlineData("jane@xn--zz-.example")]
    public void Malformed_addresses_are_rejected(string input) => Assert.False(EmailAddress.TryParse(input, out _));

    [Fact]
    public void Over_long_addresses_are_rejected() =>
        Assert.False(EmailAddress.TryParse(new string('a', 64) + "@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 4)) + ".com", out _));
}
