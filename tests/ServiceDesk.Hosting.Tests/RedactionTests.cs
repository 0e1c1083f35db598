using Microsoft.Extensions.Logging;
using ServiceDesk.Hosting.Logging;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Hosting.Tests;

public sealed class RedactionTests
{
    [Theory]
    [InlineData("sent to jane.doe@example.com today", "sent to [redacted-address] today")]
    [InlineData("GET /api/v1/customers?text=Jane.Doe%40Example.COM&limit=5", "GET /api/v1/customers?text=[redacted-address]&limit=5")]
    [InlineData("josé.álvarez@correo.es", "[redacted-address]")]
    [InlineData("no address in customer c-42", "no address in customer c-42")]
    [InlineData("from first/last{team}@example.com now", "from [redacted-address] now")]
    [InlineData("reply to \"a!b#c$d&e*f=g?h^i`j|k~l@example.com\"", "reply to \"[redacted-address]\"")]
    public void Addresses_are_replaced_wherever_they_appear(string text, string expected) =>
        Assert.Equal(expected, PersonalDataRedactor.Redact(text));

    [Fact]
    public void The_formatter_redacts_message_properties_scopes_and_exceptions()
    {
        var logs = new CapturedLogs();
        var logger = logs.CreateLogger("test");

        using (logger.BeginScope("request for {Address}", "a@example.com"))
        {
            logger.LogWarning(new InvalidOperationException("bad b@example.com"), "Rejected {Address}", "c@example.com");
        }

        var line = Assert.Single(logs.Lines);
        Assert.DoesNotContain("@example.com", line, StringComparison.Ordinal);
        Assert.Contains("\"message\":\"Rejected [redacted-address]\"", line, StringComparison.Ordinal);
        Assert.Contains("\"Address\":\"[redacted-address]\"", line, StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException: bad [redacted-address]", line, StringComparison.Ordinal);
    }
}
