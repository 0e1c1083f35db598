using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.PersonalData;
using Xunit;

namespace ServiceDesk.Messaging.Tests;

public sealed class ProfileHistoryTests
{
    [Fact]
    public void A_replaced_name_or_address_joins_the_history_once_and_an_unchanged_one_does_not()
    {
        var history = ProfileHistory.None
            .After("Jane Given", false, "jane@oldco.example", "Jane Given", "jane@oldco.example")
            .After("Jane Given", false, "jane@oldco.example", "Jane Chosen", "jane@newco.example")
            .After("Jane Chosen", true, "jane@newco.example", "Jane Given", "jane@oldco.example")
            .After("Jane Given", false, "jane@oldco.example", "Jane Chosen", "jane@newco.example");

        Assert.Equal([new PreviousName("Jane Chosen", true), new PreviousName("Jane Given", false)], history.Names);
        Assert.Equal(["jane@newco.example", "jane@oldco.example"], history.Addresses);
    }

    [Fact]
    public void Only_the_latest_names_a_customer_chose_are_kept_and_every_name_staff_gave()
    {
        var history = new ProfileHistory([new PreviousName("Jane Given", false)], []);
        for (var i = 0; i < 25; i++)
        {
            history = history.After($"Chosen {i}", true, "jane@example.com", $"Chosen {i + 1}", "jane@example.com");
        }

        Assert.Equal(ProfileHistory.NamesChosenByCustomerKept + 1, history.Names.Count);
        Assert.Equal(new PreviousName("Jane Given", false), history.Names[0]);
        Assert.Equal(new PreviousName("Chosen 24", true), history.Names[^1]);
        Assert.DoesNotContain(new PreviousName("Chosen 14", true), history.Names);
    }

    [Fact]
    public void A_name_counts_as_chosen_by_the_customer_only_when_no_one_else_ever_gave_it()
    {
        var history = new ProfileHistory([new PreviousName("jane roe", false), new PreviousName("Mal", true), new PreviousName("Jane Chosen", true)], ["a@example.com"]);

        var names = history.NamesWith("JANE ROE", currentChosenByCustomer: true);

        Assert.Equal([new PreviousName("JANE ROE", false), new PreviousName("Mal", true), new PreviousName("Jane Chosen", true)], names);
        Assert.Equal(["a@example.com", "b@example.com"], history.AddressesWith("b@example.com"));
        Assert.Equal(["a@example.com"], history.AddressesWith("A@example.com"));
    }

    [Fact]
    public void Merging_keeps_both_histories_and_repeats_nothing()
    {
        var read = new ProfileHistory([new PreviousName("Jane Given", false)], ["jane@oldco.example"]);
        var told = new ProfileHistory([new PreviousName("Jane Given", false), new PreviousName("Jane Chosen", true)], ["jane@midco.example"]);

        Assert.Equal(
            new ProfileHistory([new PreviousName("Jane Given", false), new PreviousName("Jane Chosen", true)], ["jane@oldco.example", "jane@midco.example"]),
            read.Merge(told));
    }

    [Fact]
    public void A_removal_s_final_profile_adds_its_names_and_addresses_to_a_copy_s_and_a_name_anyone_gave_counts_as_given()
    {
        var final = new CustomerProfile { DisplayName = "Mal Newco", Address = "mal@newco.example", DisplayNameChosenByCustomer = true };
        final.FormerDisplayNames.Add(new FormerDisplayName { Text = "JANE CHOSEN", ChosenByCustomer = false });
        final.FormerAddresses.Add("Jane@OldCo.example");

        var names = ProfileHistory.NamesAlsoIn([new PreviousName("Jane Given", false), new PreviousName("Jane Chosen", true)], final);
        var addresses = ProfileHistory.AddressesAlsoIn(["jane@oldco.example"], final);

        Assert.Equal([new PreviousName("Jane Given", false), new PreviousName("JANE CHOSEN", false), new PreviousName("Mal Newco", true)], names);
        Assert.Equal(["jane@oldco.example", "mal@newco.example"], addresses);
        Assert.Equal([new PreviousName("Jane Given", false)], ProfileHistory.NamesAlsoIn([new PreviousName("Jane Given", false)], null));
    }

    /// <summary>
    /// A participant skips the removal's final profile only when its own copy is that very profile: same version is not
    /// enough (a Directory restored from a backup numbers versions again), so the digest covers every field and order.
    /// </summary>
    [Fact]
    public void A_final_profile_s_digest_matches_the_same_profile_only()
    {
        var pepper = new ServiceDesk.Messaging.Erasure.TombstonePepper(new byte[32]);
        var history = new ProfileHistory([new PreviousName("Jane Given", false)], ["jane@oldco.example"]);
        var profile = ProfileHistory.ProfileOf("Jane Roe", false, "jane@newco.example", history);
        var digest = ServiceDesk.Messaging.Erasure.CustomerProfiles.DigestOf(pepper, profile);

        Assert.Equal(digest, ServiceDesk.Messaging.Erasure.CustomerProfiles.DigestOf(pepper, ProfileHistory.ProfileOf("Jane Roe", false, "jane@newco.example", history)));
        Assert.NotEqual(digest, ServiceDesk.Messaging.Erasure.CustomerProfiles.DigestOf(pepper, ProfileHistory.ProfileOf("Jane Other", false, "jane@newco.example", history)));
        Assert.NotEqual(digest, ServiceDesk.Messaging.Erasure.CustomerProfiles.DigestOf(pepper, ProfileHistory.ProfileOf("Jane Roe", true, "jane@newco.example", history)));
        Assert.NotEqual(digest, ServiceDesk.Messaging.Erasure.CustomerProfiles.DigestOf(pepper, ProfileHistory.ProfileOf("Jane Roe", false, "jane@newco.example", ProfileHistory.None)));
        Assert.NotEqual(digest, ServiceDesk.Messaging.Erasure.CustomerProfiles.DigestOf(new ServiceDesk.Messaging.Erasure.TombstonePepper(Enumerable.Repeat((byte)1, 32).ToArray()), profile));
    }
}
