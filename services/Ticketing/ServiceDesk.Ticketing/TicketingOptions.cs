using System.ComponentModel.DataAnnotations;

namespace ServiceDesk.Ticketing;

/// <summary>Configuration section <c>Ticketing</c>.</summary>
public sealed class TicketingOptions
{
    public const string Section = "Ticketing";

    /// <summary>
    /// What customers see as the author of a comment by staff, instead of the account id: an account id is the same in
    /// every project and every answer, so it would let customers tell staff apart, follow one across tickets and
    /// projects, and name them to Identity.
    /// </summary>
    [Required]
    [StringLength(100, MinimumLength = 1)]
    public string StaffDisplayName { get; set; } = "Support team";
}
