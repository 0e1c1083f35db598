using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Ticketing;

/// <summary>Bounds of Ticketing's request fields beyond the shared ones.</summary>
internal static class FieldRules
{
    /// <summary>"KEY-N": a 10-character key, a dash and at most 19 digits.</summary>
    public const int MaxTicketIdLength = 30;

    public static void CustomerId(this FieldViolations violations, string field, string value, bool required = true)
    {
        if (required ? violations.Required(field, value) : value.Length > 0)
        {
            violations.MaxLength(field, value, Ids.MaxLength);
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
