using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Ticketing;

/// <summary>Bounds of Ticketing's request fields beyond the shared ones.</summary>
internal static class FieldRules
{
    /// <summary>Customer ids are Directory's (32 hex digits today); the bound leaves room without admitting megabytes.</summary>
    public const int MaxCustomerIdLength = 64;

    /// <summary>"KEY-N": a 10-character key, a dash and at most 19 digits.</summary>
    public const int MaxTicketIdLength = 30;

    public static void MaxLength(this FieldViolations violations, string field, string value, int maxLength)
    {
        if (value.Length > maxLength)
        {
            violations.Add(field, $"must be at most {maxLength} characters");
        }
    }

    public static void CustomerId(this FieldViolations violations, string field, string value, bool required = true)
    {
        if (required ? violations.Required(field, value) : value.Length > 0)
        {
            violations.MaxLength(field, value, MaxCustomerIdLength);
        }
    }

    public static void TicketId(this FieldViolations violations, string field, string value)
    {
        if (violations.Required(field, value))
        {
            violations.MaxLength(field, value, MaxTicketIdLength);
        }
    }
}
