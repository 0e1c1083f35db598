using Google.Rpc;
using ServiceDesk.Hosting.Errors;

namespace ServiceDesk.Hosting.Validation;

/// <summary>Collects field problems of one request; descriptions never repeat the offending value.</summary>
public sealed class FieldViolations
{
    private readonly List<BadRequest.Types.FieldViolation> _violations = [];

    public bool IsEmpty => _violations.Count == 0;

    public FieldViolations Add(string field, string description)
    {
        _violations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });
        return this;
    }

    public bool Required(string field, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        Add(field, "is required");
        return false;
    }

    public void Text(string field, string? value, int maxLength, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Add(field, "is required");
            }

            return;
        }

        if (value.Trim().Length > maxLength)
        {
            Add(field, $"must be at most {maxLength} characters");
        }
    }

    public void Address(string field, string? value, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Add(field, "is required");
            }

            return;
        }

        if (!EmailAddress.TryParse(value, out _))
        {
            Add(field, "must be an e-mail address such as name@example.com");
        }
    }

    /// <summary>2..10 characters: upper-case letters and digits, starting with a letter (e.g. "HELP").</summary>
    public void ProjectKey(string field, string? value)
    {
        if (Required(field, value) && !ProjectKeyFormat.IsValid(value!))
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
