using ServiceDesk.Hosting.Errors;
using ServiceDesk.Hosting.Validation;
using Xunit;

namespace ServiceDesk.Hosting.Tests;

/// <summary>Bounds apply to a value as sent: a megabyte of whitespace is too long, never trimmed down to "blank".</summary>
public sealed class FieldViolationsTests
{
    private static readonly string MegabyteOfSpaces = new(' ', 1_000_000);

    public static TheoryData<string, Action<FieldViolations, string>> Checks => new()
    {
        { "must be at most 200 characters", (violations, value) => violations.Text("field", value, 200) },
        { "must be at most 200 characters", (violations, value) => violations.DisplayText("field", value, 200) },
        { $"must be at most {Ids.MaxLength} characters", (violations, value) => violations.Id("field", value) },
        { $"must be at most {EmailAddress.MaxLength} characters", (violations, value) => violations.Address("field", value) },
    };

    [Theory]
    [MemberData(nameof(Checks))]
    public void A_megabyte_of_spaces_is_too_long(string expected, Action<FieldViolations, string> check)
    {
        Assert.Equal([expected], DescriptionsOf(check, MegabyteOfSpaces));
        Assert.Equal([expected], DescriptionsOf(check, MegabyteOfSpaces + "x"));
    }

    [Theory]
    [MemberData(nameof(Checks))]
    public void Blank_within_the_bound_is_still_required(string _, Action<FieldViolations, string> check)
    {
        Assert.Equal(["is required"], DescriptionsOf(check, "   "));
    }

    [Fact]
    public void Surrounding_whitespace_counts_towards_the_bound()
    {
        Assert.Empty(DescriptionsOf((violations, value) => violations.Text("field", value, 5), " abc "));
        Assert.Equal(["must be at most 5 characters"], DescriptionsOf((violations, value) => violations.Text("field", value, 5), "  abc "));
    }

    [Fact]
    public void A_project_key_of_spaces_is_malformed_without_being_read_as_blank()
    {
        Assert.Equal(["must be 2 to 10 upper-case letters or digits, starting with a letter"], DescriptionsOf((violations, value) => violations.ProjectKey("field", value), MegabyteOfSpaces));
        Assert.Equal(["is required"], DescriptionsOf((violations, value) => violations.ProjectKey("field", value), string.Empty));
    }

    private static IReadOnlyList<string> DescriptionsOf(Action<FieldViolations, string> check, string value)
    {
        var violations = new FieldViolations();
        check(violations, value);
        if (violations.IsEmpty)
        {
            return [];
        }

        var error = Assert.Throws<ValidationException>(violations.ThrowIfAny);
        return [.. error.Violations.Select(violation => violation.Description)];
    }
}
