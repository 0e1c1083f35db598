using ServiceDesk.Hosting.Paging;
using ServiceDesk.Testing;
using ServiceDesk.Ticketing.Mail;
using Xunit;

namespace ServiceDesk.Ticketing.Tests.Keys;

/// <summary>Ticketing's keys derived from the KEK survive a KEK rotation while the old KEK is retired.</summary>
public sealed class DerivedKeyTests
{
    [Fact]
    public void A_message_taken_in_before_a_kek_rotation_is_still_recognised_and_its_id_never_appears_in_clear()
    {
        var oldKek = TestKeyProtection.NewKey();
        var before = new MessageIds(TestKeyProtection.WrapperOf(oldKek));
        var afterRotation = new MessageIds(TestKeyProtection.WrapperOf(TestKeyProtection.NewKey(), oldKek));
        var withoutOldKek = new MessageIds(TestKeyProtection.WrapperOf(TestKeyProtection.NewKey()));

        var recorded = before.Hash("HELP", "<jane.1234@mail.example>");

        Assert.Equal(recorded, before.Hash("HELP", " jane.1234@mail.example "));
        Assert.Contains(recorded, afterRotation.Candidates("HELP", ["jane.1234@mail.example"]));
        Assert.NotEqual(recorded, afterRotation.Hash("HELP", "jane.1234@mail.example"));
        Assert.DoesNotContain(recorded, withoutOldKek.Candidates("HELP", ["jane.1234@mail.example"]));
        Assert.DoesNotContain(recorded, before.Candidates("OTHER", ["jane.1234@mail.example"]));
        Assert.DoesNotContain("jane", recorded, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(before.Candidates("HELP", ["", " <> "]));
    }

    [Fact]
    public void A_page_token_opens_only_for_its_scope_and_after_a_kek_rotation_while_the_old_kek_is_retired()
    {
        var oldKek = TestKeyProtection.NewKey();
        var tokens = new PageTokens(TestKeyProtection.WrapperOf(oldKek), "tests page tokens");
        var rotated = new PageTokens(TestKeyProtection.WrapperOf(TestKeyProtection.NewKey(), oldKek), "tests page tokens");
        var otherUse = new PageTokens(TestKeyProtection.WrapperOf(oldKek), "another use");

        var token = tokens.Issue("HELP-42", "tickets HELP|Agent:a1");

        Assert.Equal("HELP-42", tokens.PositionOf(token, "tickets HELP|Agent:a1"));
        Assert.Equal("HELP-42", rotated.PositionOf(token, "tickets HELP|Agent:a1"));
        Assert.Null(tokens.PositionOf(token, "tickets HELP|Agent:a2"));
        Assert.Null(otherUse.PositionOf(token, "tickets HELP|Agent:a1"));
        Assert.Null(tokens.PositionOf("not a token", "tickets HELP|Agent:a1"));
        Assert.DoesNotContain("HELP", token, StringComparison.Ordinal);
    }
}
