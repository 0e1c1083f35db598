using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Ticketing;

/// <summary>Bounds of Ticketing's request fields beyond the shared ones.</summary>
internal static class FieldRules
{
    /// <summary>"KEY-N": a 10-character key, a dash and at most 19 digits.</summary>
    public const int MaxTicketIdLength = 30;

    public static void TicketId(this FieldViolations violations, string field, string value) => violations.Text(field, value, MaxTicketIdLength);
}
