using Google.Rpc;
using ServiceDesk.Hosting.Errors;

namespace ServiceDesk.Hosting.Validation;

/// <summary>
/// Collects field problems of one request; descriptions never repeat the offending value. Every bound applies to the
/// value as sent, before anything trims, normalises or scans it: a megabyte of spaces is too long, not blank.
/// </summary>
public sealed class FieldViolations
{
    private readonly List<BadRequest.Types.FieldViolation> _violations = [];

    public bool IsEmpty => _violations.Count == 0;

    public FieldViolations Add(string field, string description)
    {
        _violations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });
        return this;
    }

    /// <summary>Present and not blank. Bound the value before (<see cref="MaxLength"/>), or use <see cref="Text"/>, which does both in that order.</summary>
    public bool Required(string field, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        Add(field, "is required");
        return false;
    }

    /// <summary>At most <paramref name="maxLength"/> characters as sent (surrounding whitespace counts), then required unless told.</summary>
    public void Text(string field, string? value, int maxLength, bool required = true)
    {
        if (value is not null && value.Length > maxLength)
        {
            Add(field, $"must be at most {maxLength} characters");
        }
        else if (required)
        {
            Required(field, value);
        }
    }

    /// <summary>
    /// <see cref="Text"/> of one line that people read: also refuses control characters, bidi overrides and zero-width
    /// characters (every Unicode format character), which make one name look like another (<see cref="ReadableText.FitsOneLine"/>).
    /// </summary>
    public void DisplayText(string field, string? value, int maxLength, bool required = true)
    {
        var before = _violations.Count;
        Text(field, value, maxLength, required);
        if (_violations.Count == before && value is not null && !value.All(ReadableText.FitsOneLine))
        {
            Add(field, "must not contain control, bidi-override or zero-width characters");
        }
    }

    /// <summary>
    /// <see cref="Text"/> of several lines that people read: line breaks and tabs, but no other control character and no
    /// bidi override or isolate (<see cref="ReadableText.FitsLines"/>).
    /// </summary>
    public void ReadableLines(string field, string? value, int maxLength, bool required = true)
    {
        var before = _violations.Count;
        Text(field, value, maxLength, required);
        if (_violations.Count == before && value is not null && !value.All(ReadableText.FitsLines))
        {
            Add(field, "must not contain control characters other than line breaks and tabs, nor bidi overrides");
        }
    }

    /// <summary>An opaque id: required unless told, at most <see cref="Ids.MaxLength"/> characters.</summary>
    public void Id(string field, string? value, bool required = true) => Text(field, value, Ids.MaxLength, required);

    /// <summary>At most <paramref name="max"/> entries; true when within the bound, so the caller validates each entry only then.</summary>
    public bool MaxCount(string field, int count, int max)
    {
        if (count <= max)
        {
            return true;
        }

        Add(field, $"must have at most {max} entries");
        return false;
    }

    public void MaxLength(string field, string value, int maxLength)
    {
        if (value.Length > maxLength)
        {
            Add(field, $"must be at most {maxLength} characters");
        }
    }

    public void Address(string field, string? value, bool required = true)
    {
        var before = _violations.Count;
        Text(field, value, EmailAddress.MaxLength, required);
        if (_violations.Count == before && !string.IsNullOrWhiteSpace(value) && !EmailAddress.TryParse(value, out _))
        {
            Add(field, "must be an e-mail address such as name@example.com");
        }
    }

    /// <summary>2..10 characters: upper-case letters and digits, starting with a letter (e.g. "HELP").</summary>
    public void ProjectKey(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            Add(field, "is required");
        }
        else if (!ProjectKeyFormat.IsValid(value))
        {
            Add(field, "must be 2 to 10 upper-case letters or digits, starting with a letter");
        }
    }

    public void Range(string field, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            Add(field, $"must be between {min} and {max}");
        }
    }

    public void ThrowIfAny()
    {
        if (!IsEmpty)
        {
            throw new ValidationException(_violations);
        }
    }
}
