using ServiceDesk.Messaging.PersonalData;

namespace ServiceDesk.Ticketing.Customers;

/// <summary>
/// Ticketing's copy of a reporter's or participant's profile, as Directory described it at <see cref="Version"/>.
/// One per customer, referenced from tickets by id, so erasing a customer touches one record.
/// </summary>
/// <param name="Erased">The customer was erased: only their pseudonym is left, and no later version replaces it.</param>
public sealed record CustomerSnapshot(string CustomerId, string DisplayName, string Address, IReadOnlyList<string> ProjectKeys, long Version, bool Erased = false)
{
    /// <summary>The customer chose <see cref="DisplayName"/> themselves, so a removal looks for it in their own tickets only.</summary>
    public bool DisplayNameChosenByCustomer { get; init; }

    /// <summary>The names and addresses the customer had before, which a removal looks for too.</summary>
    public ProfileHistory History { get; init; } = ProfileHistory.None;

    /// <summary>
    /// Taken from a customer event, which carries all Directory knows of the profile. A snapshot read from Directory's
    /// API carries only the name and address: an event of its version still completes it.
    /// </summary>
    public bool FromEvent { get; init; }

    /// <summary>Whether a customer event of <paramref name="eventVersion"/> would tell nothing this snapshot does not.</summary>
    public bool KnowsAsMuchAs(long eventVersion) => Version > eventVersion || (Version == eventVersion && FromEvent);

    /// <summary>
    /// This snapshot, read from Directory's API, in place of <paramref name="older"/>: the names and addresses that one
    /// knew stay known, and so does who chose the name while it is the same.
    /// </summary>
    public CustomerSnapshot Succeeding(CustomerSnapshot older) => Erased || older.Erased
        ? this
        : this with
        {
            History = History.Merge(older.History).After(older.DisplayName, older.DisplayNameChosenByCustomer, older.Address, DisplayName, Address),
            DisplayNameChosenByCustomer = DisplayName == older.DisplayName ? older.DisplayNameChosenByCustomer : DisplayNameChosenByCustomer,
        };

    /// <summary>
    /// What stays of an erased customer: the pseudonym as display name, no address and no projects, at the highest
    /// version, so no CustomerUpdated delivered late (nor a read from Directory) ever brings data back.
    /// </summary>
    public static CustomerSnapshot ErasedAs(string customerId, string pseudonym) => new(customerId, pseudonym, string.Empty, [], long.MaxValue, Erased: true);
}
