using ServiceDesk.Contracts.Events.V1;

namespace ServiceDesk.Messaging.PersonalData;

/// <summary>A display name a customer had, and whether they chose it themselves (then it may be anyone's).</summary>
public sealed record PreviousName(string Text, bool ChosenByCustomer);

/// <summary>
/// The display names and addresses a customer had before their current ones, oldest first (a name once per who gave
/// it, an address once): Directory keeps them with the customer and sends them sealed in every profile, and a removal
/// looks for them in texts as it does for the current ones, so renaming a customer first does not leave their name in
/// the tickets that hold it.
/// </summary>
public sealed record ProfileHistory(IReadOnlyList<PreviousName> Names, IReadOnlyList<string> Addresses)
{
    /// <summary>
    /// How many of the names a customer chose themselves are kept (the latest): a customer who renames themselves
    /// without end does not grow their record without end. The names staff gave are all kept.
    /// </summary>
    public const int NamesChosenByCustomerKept = 10;

    public static readonly ProfileHistory None = new([], []);

    /// <summary>This history once the profile changed from the name and address given to the new ones.</summary>
    public ProfileHistory After(string formerName, bool formerNameChosenByCustomer, string formerAddress, string currentName, string currentAddress)
    {
        var history = this;
        if (formerName != currentName)
        {
            history = history.WithName(new PreviousName(formerName, formerNameChosenByCustomer));
        }

        if (formerAddress != currentAddress && formerAddress.Length > 0)
        {
            history = history with { Addresses = [.. history.Addresses.Where(address => address != formerAddress), formerAddress] };
        }

        return history;
    }

    /// <summary>Both histories' names and addresses, this one's first: a copy that learned of renames by two routes keeps both.</summary>
    public ProfileHistory Merge(ProfileHistory other) =>
        other.Names.Aggregate(this, (history, name) => history.Names.Contains(name) ? history : history.WithName(name)) with
        {
            Addresses = [.. Addresses.Union(other.Addresses, StringComparer.Ordinal)],
        };

    /// <summary>
    /// Every name of the customer, the current one and these, each once in any letter case; chosen by the customer
    /// only when every time they had it they had chosen it themselves.
    /// </summary>
    public IReadOnlyList<PreviousName> NamesWith(string currentName, bool currentChosenByCustomer) =>
    [
        .. Names.Append(new PreviousName(currentName, currentChosenByCustomer))
            .Where(name => name.Text.Length > 0)
            .GroupBy(name => name.Text, StringComparer.OrdinalIgnoreCase)
            .Select(same => new PreviousName(same.Last().Text, same.All(name => name.ChosenByCustomer))),
    ];

    /// <summary>Every address of the customer, the current one and these, each once in any letter case.</summary>
    public IReadOnlyList<string> AddressesWith(string currentAddress) =>
        [.. Addresses.Append(currentAddress).Where(address => address.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>
    /// The names in <paramref name="known"/> (a copy's <see cref="NamesWith"/>) and every name <paramref name="profile"/>
    /// holds, each once in any letter case; chosen by the customer only when both say every time they had it they chose it.
    /// </summary>
    public static IReadOnlyList<PreviousName> NamesAlsoIn(IReadOnlyList<PreviousName> known, CustomerProfile? profile) =>
        profile is null ? known : new ProfileHistory([.. known, .. Of(profile).Names], []).NamesWith(profile.DisplayName, profile.DisplayNameChosenByCustomer);

    /// <summary>The addresses in <paramref name="known"/> and every address <paramref name="profile"/> holds, each once in any letter case.</summary>
    public static IReadOnlyList<string> AddressesAlsoIn(IReadOnlyList<string> known, CustomerProfile? profile) =>
        profile is null ? known : new ProfileHistory([], [.. known, .. profile.FormerAddresses]).AddressesWith(profile.Address);

    public static ProfileHistory Of(CustomerProfile profile) => new(
        [.. profile.FormerDisplayNames.Select(name => new PreviousName(name.Text, name.ChosenByCustomer))],
        [.. profile.FormerAddresses]);

    /// <summary>A copy's profile as Directory's events carry it: the current name and address, and this history.</summary>
    public static CustomerProfile ProfileOf(string displayName, bool displayNameChosenByCustomer, string address, ProfileHistory history)
    {
        var profile = new CustomerProfile { DisplayName = displayName, DisplayNameChosenByCustomer = displayNameChosenByCustomer, Address = address };
        history.WriteTo(profile);
        return profile;
    }

    public void WriteTo(CustomerProfile profile)
    {
        profile.FormerDisplayNames.Add(Names.Select(name => new FormerDisplayName { Text = name.Text, ChosenByCustomer = name.ChosenByCustomer }));
        profile.FormerAddresses.Add(Addresses);
    }

    public bool Equals(ProfileHistory? other) =>
        other is not null && Names.SequenceEqual(other.Names) && Addresses.SequenceEqual(other.Addresses, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Names.Count, Addresses.Count);

    private ProfileHistory WithName(PreviousName name)
    {
        List<PreviousName> names = [.. Names.Where(kept => kept != name), name];
        var chosen = names.Count(kept => kept.ChosenByCustomer);
        if (chosen > NamesChosenByCustomerKept)
        {
            var dropped = names.Where(kept => kept.ChosenByCustomer).Take(chosen - NamesChosenByCustomerKept).ToHashSet();
            names.RemoveAll(dropped.Contains);
        }

        return this with { Names = names };
    }
}
