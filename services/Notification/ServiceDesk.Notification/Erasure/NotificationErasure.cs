using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Notification.Customers;
using ServiceDesk.Notification.Deliveries;
using ServiceDesk.Notification.Sending;
using DeliveryStatus = ServiceDesk.Contracts.Notification.V1.DeliveryStatus;

namespace ServiceDesk.Notification.Erasure;

/// <summary>
/// Notification's part of a customer removal (both modes alike): every delivery to the customer or to their
/// address (by its keyed hash) is deleted, queued ones included, which cancels them; so is each one's <c>.eml</c>
/// file in the pickup directory. A message names its own recipient and otherwise only its ticket, whose summary may
/// name someone else: any other message or pickup file whose ticket summary names one of the customer's addresses or
/// display names, current or former, as their own deliveries and their events (<see cref="IKnownCustomerStore"/>, for a
/// customer who never had a letter) knew them (in any letter case, as whole words: <see cref="MentionTokens.Names(string, string)"/>), is deleted
/// too, and so is the kept name and address. Neither the templates' own words nor another recipient's name count: a
/// customer named "Request received", or like someone else, takes no one else's letters with them; nor does a name of
/// one word or that the customer chose themselves, nor, in a project where it is a common phrase (<see cref="CommonPhrase"/>,
/// by the reporters of the tickets the other letters naming it are about; a letter stored before its ticket's reporter
/// was kept, <see cref="Delivery.ReporterCustomerId"/> null, counts for no one), a name in that project's letters, and
/// such a name is not kept for later letters. Those are found
/// through the deliveries' mention tokens (<see cref="Delivery.MentionTexts"/>), and confirmed by the message's or the
/// file's subject: a removal reads the customer's own deliveries and the few messages whose summary shares a token
/// with them, not every letter. The address's keyed hash is on the suppression list from the moment the erasure ledger
/// recorded the request; keyed tokens of the name and address, kept before the messages are looked for, stay for good
/// (<see cref="IKnownCustomerStore.RememberErasedAsync"/>), so that a letter written later from a ticket text Ticketing
/// has not redacted yet leaves that text out. The erasure block then checkpoints the LiteDB file, so no deleted byte
/// stays readable. Idempotent: a second run finds nothing left.
/// </summary>
public sealed class NotificationErasure(
    IDeliveryStore deliveries, IKnownCustomerStore customers, CustomerProfiles profiles, PickupDirectory pickup, MailMessages messages, MentionTokens mentions,
    TombstonePepper pepper, TimeProvider time)
    : ICustomerErasure
{
    public const string QueuedMessagesCancelled = "queued_messages_cancelled";
    public const string DeliveryLogEntriesDeleted = "delivery_log_entries_deleted";
    public const string PickupFilesDeleted = "pickup_files_deleted";
    public const string MessagesNamingTheCustomerDeleted = "messages_naming_the_customer_deleted";
    public const string AddressesSuppressed = "addresses_suppressed";
    public const string KnownCustomersDeleted = "known_customers_deleted";

    public async Task<ErasurePlan> PlanAsync(ErasureScope scope, CancellationToken cancellationToken)
    {
        if (!scope.IsDryRun)
        {
            // The ledger holds the removal by now: a delivery to the customer or their address still being written ends
            // before they are read, and any later one is not stored.
            await deliveries.WaitForWritesAsync(cancellationToken);
        }

        var own = await deliveries.ListToRecipientAsync(scope.CustomerId, scope.AddressHash, cancellationToken);
        var ownIds = own.Select(delivery => delivery.Id).ToHashSet(StringComparer.Ordinal);
        var ownFiles = own.Select(delivery => pickup.FileOf(messages.MessageIdOf(delivery.Id))).Where(File.Exists).ToHashSet(StringComparer.Ordinal);
        var known = await customers.FindAsync(scope.CustomerId, cancellationToken);
        // And the command's final profile's: a change behind in the customer stream is not in what this service knows.
        var final = await profiles.FinalProfileAsync(
            scope, known is null ? null : ProfileHistory.ProfileOf(known.DisplayName, known.DisplayNameChosenByCustomer, known.Address, known.History), cancellationToken);
        var givenNames = ProfileHistory.NamesAlsoIn(known is null ? [] : known.History.NamesWith(known.DisplayName, known.DisplayNameChosenByCustomer), final).ToList();
        var knownNames = givenNames.SelectMany(MentionTokens.NameSpellings).ToList();
        var givenAddresses = own.Select(delivery => delivery.RecipientAddress)
            .Concat(ProfileHistory.AddressesAlsoIn(known is null ? [] : known.History.AddressesWith(known.Address), final))
            .ToList();
        var addresses = givenAddresses.Concat(scope.TombstonedMailboxesOf(givenAddresses, pepper))
            .SelectMany(MentionTokens.AddressSpellings)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        // A name the customer chose themselves may be anyone's: their own letters go, no one else's.
        var chosen = knownNames.Where(name => name.ChosenByCustomer).Select(name => name.Text).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var needles = addresses.Concat(own.SelectMany(delivery => MentionTokens.NameSpellings(delivery.RecipientName))).Concat(knownNames.Select(name => name.Text))
            .Where(needle => needle.Length >= MentionTokens.ShortestNeedle)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        var needleTokens = needles.Select(mentions.QueryTokens).ToList();
        if (!scope.IsDryRun)
        {
            // Before the messages are looked for: from here on a ticket text read for a letter is checked against the
            // name (TicketEventHandler), as Ticketing may not have redacted it yet, so no letter written after the
            // search names the customer; one still being written ends before the search, and any later one is refused
            // by the store.
            await customers.RememberErasedAsync(scope.CustomerId, needleTokens, time.GetUtcNow(), cancellationToken);
            await deliveries.WaitForWritesAsync(cancellationToken);
        }

        // Each letter sharing a token, with its ticket summary read once: from its message while it is kept, and from its
        // pickup file, if any.
        var candidates = needles.Count == 0
            ? []
            : (await deliveries.ListMentioningAsync(needleTokens, cancellationToken))
                .Where(delivery => !ownIds.Contains(delivery.Id))
                .Select(delivery =>
                {
                    var file = pickup.FileOf(messages.MessageIdOf(delivery.Id));
                    return new Candidate(delivery, delivery.Message is { } message ? RenderedMessage.SummaryIn(message.Subject) : null, file, PickupDirectory.SummaryIn(file));
                })
                .ToList();
        // Only a name: an address is the customer's alone, and keeps them from being stored again (RememberErasedAsync).
        var names = needles.Index().Where(needle => !addresses.Contains(needle.Item)).ToList();
        // Told by the name, not by its spelling: a full name's base64 encoded word is one word, and names her as surely.
        var spellingsOfOneWordNames = givenNames.Select(name => name.Text).Concat(own.Select(delivery => delivery.RecipientName))
            .Where(name => !MentionTokens.IsFullName(name)).SelectMany(MentionTokens.NameSpellings).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var commonEverywhere = names.Where(needle => chosen.Contains(needle.Item) || spellingsOfOneWordNames.Contains(needle.Item)).ToList();
        var commonIn = names.Except(commonEverywhere)
            .Select(needle => (Needle: needle, Projects: ProjectsWhereCommon(candidates, needle.Item)))
            .Where(common => common.Projects.Count > 0)
            .ToList();
        // A name common anywhere is not kept for later letters: they are checked against kept names in any project.
        var forgotten = commonEverywhere.Concat(commonIn.Select(common => common.Needle)).ToList();
        if (forgotten.Count > 0 && !scope.IsDryRun)
        {
            await customers.ForgetErasedAsync(scope.CustomerId, [.. forgotten.Select(needle => needleTokens[needle.Index])], cancellationToken);
        }

        var specific = needles.Except(commonEverywhere.Select(needle => needle.Item), StringComparer.OrdinalIgnoreCase).ToList();
        IReadOnlyList<string> SpecificIn(string projectKey) =>
            [.. specific.Where(needle => !commonIn.Any(common => common.Projects.Contains(projectKey) && string.Equals(common.Needle.Item, needle, StringComparison.OrdinalIgnoreCase)))];
        var naming = candidates.Where(candidate => Names(candidate.MessageSummary, SpecificIn(candidate.Delivery.ProjectKey))).Select(candidate => candidate.Delivery).ToList();
        var namingFiles = candidates
            .Where(candidate => !ownFiles.Contains(candidate.File) && Names(candidate.FileSummary, SpecificIn(candidate.Delivery.ProjectKey)))
            .Select(candidate => candidate.File)
            .ToList();

        IReadOnlyDictionary<string, long> counts = new Dictionary<string, long>
        {
            // A queued message the sender found suppressed (it checks right before each send, and the ledger holds the
            // removal before this plan reads) was cancelled by the removal all the same, whichever came first.
            [QueuedMessagesCancelled] = own.Count(IsCancelled),
            [DeliveryLogEntriesDeleted] = own.Count(delivery => !IsCancelled(delivery)),
            [PickupFilesDeleted] = ownFiles.Count + namingFiles.Count,
            [MessagesNamingTheCustomerDeleted] = naming.Count + namingFiles.Count,
            [AddressesSuppressed] = (scope.AddressHash.Length > 0 ? 1 : 0) + scope.FormerAddressHashes.Count,
            [KnownCustomersDeleted] = known is null ? 0 : 1,
        };
        return new ErasurePlan(counts, async token =>
        {
            // Every file a deleted delivery's message has or may yet have, whether or not it existed at the plan: the
            // sender may have read the delivery before the ledger held the removal and written its message since.
            var deliveryFiles = own.Concat(naming).Select(delivery => pickup.FileOf(messages.MessageIdOf(delivery.Id))).ToList();
            // Files first: the deliveries are how a run finds the files and the names to look for, so a run killed
            // after deleting them would leave their files for good; killed after the files, the next run finds the
            // deliveries again.
            var filesDeleted = DeleteWithTemporary(deliveryFiles.Concat(namingFiles));
            await deliveries.DeleteAsync([.. ownIds, .. naming.Select(delivery => delivery.Id)], token);
            // Again: a message the sender wrote between the files' deletion and the deliveries' (its delivery marked sent
            // in time). One written after the deliveries' deletion the sender withdraws itself, its update finding none.
            filesDeleted += DeleteWithTemporary(deliveryFiles);
            // Last: it is how a run killed before this point finds the names again.
            await customers.ForgetAsync(scope.CustomerId, token);
            return new Dictionary<string, long>(counts) { [PickupFilesDeleted] = filesDeleted };
        });
    }

    /// <summary>Deletes each file and its half-written temporary sibling (a write cut short by a stop), if any; how many files there were.</summary>
    private static int DeleteWithTemporary(IEnumerable<string> files)
    {
        var deleted = 0;
        foreach (var file in files.Distinct(StringComparer.Ordinal))
        {
            if (File.Exists(file))
            {
                File.Delete(file);
                deleted++;
            }

            // Checked first: File.Delete throws when the directory is missing (no pickup directory where mail goes by SMTP).
            if (File.Exists(file + ".tmp"))
            {
                File.Delete(file + ".tmp");
            }
        }

        return deleted;
    }

    private static bool IsCancelled(Delivery delivery) => delivery.Status is DeliveryStatus.Queued or DeliveryStatus.Suppressed;

    private static bool Names(string? summary, IReadOnlyList<string> needles) => summary is not null && MentionTokens.NameAny([summary], needles);

    /// <summary>The projects where <paramref name="name"/> is a common phrase (<see cref="CommonPhrase"/>), by the letters naming it.</summary>
    private static IReadOnlySet<string> ProjectsWhereCommon(IEnumerable<Candidate> candidates, string name) =>
        CommonPhrase.ProjectsWhereCommon(CommonPhrase.ReportersPerProject(
            candidates.Where(candidate => Names(candidate.MessageSummary ?? candidate.FileSummary, [name]))
                .Select(candidate => (candidate.Delivery.ProjectKey, candidate.Delivery.ReporterCustomerId))));

    /// <summary>A letter whose ticket summary may name the customer, as its kept message and its pickup file tell.</summary>
    private sealed record Candidate(Delivery Delivery, string? MessageSummary, string File, string? FileSummary);
}
