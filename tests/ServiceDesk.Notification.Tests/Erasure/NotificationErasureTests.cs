using System.Globalization;
using Grpc.Core;
using LiteDB;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using ServiceDesk.Contracts.Erasure.V1;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Notification.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Notification.Customers;
using ServiceDesk.Notification.Deliveries;
using ServiceDesk.Notification.Erasure;
using ServiceDesk.Notification.Templates;
using ServiceDesk.Testing;
using ServiceDesk.Testing.Forensics;
using Xunit;
using static ServiceDesk.Testing.IdentityTestHost;
using DeliveryStatus = ServiceDesk.Contracts.Notification.V1.DeliveryStatus;
using TicketStatus = ServiceDesk.Contracts.Ticketing.V1.TicketStatus;

namespace ServiceDesk.Notification.Tests.Erasure;

/// <summary>Notification's part of a customer removal, through the real command and receipt streams.</summary>
[Collection(NotificationCollection.Name)]
public sealed class NotificationErasureTests(NotificationHosts hosts)
{
    [Fact]
    public async Task After_an_erasure_no_byte_of_the_data_directory_holds_the_address_or_the_name_and_other_letters_stay()
    {
        var project = await hosts.NewProjectAsync();
        var victim = await hosts.NewCustomerAsync(project, "Vera Victim");
        var colleague = await hosts.NewCustomerAsync(project, "Carl Colleague");
        await WithPickupDirectoryAsync(async () =>
        {
            var own = await hosts.NewTicketAsync(project, victim, colleague);
            // A summary naming the victim reaches the colleague's letters: those go too.
            var naming = await hosts.Tickets.CreateTicketAsync(
                new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = colleague.Id, Summary = "Laptop of vera victim" }, hosts.Admin);
            var unrelated = await hosts.Tickets.CreateTicketAsync(
                new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = colleague.Id, Summary = "Toner" }, hosts.Admin);
            await hosts.SettledDeliveriesAsync(own.Id, 2);
            await hosts.SettledDeliveriesAsync(naming.Id, 1);
            await hosts.SettledDeliveriesAsync(unrelated.Id, 1);
            string[] needles = [victim.Address, victim.DisplayName];
            Assert.NotEmpty(ForensicScan.Files([hosts.NotificationDataDirectory], needles));
            // What a write of the colleague's letter naming her, stopped before its rename, leaves beside its file.
            var namingLetter = System.IO.Directory.EnumerateFiles(Path.Combine(hosts.NotificationDataDirectory, "mail-pickup"))
                .Single(file => (MimeMessage.Load(file).Subject ?? string.Empty).Contains(naming.Id, StringComparison.Ordinal));
            File.Copy(namingLetter, namingLetter + ".tmp");

            var receipt = await Erasures.EraseAsync(hosts, Erasures.Command(victim));

            Assert.Equal(ReceiptOutcome.Succeeded, receipt.Outcome);
            Assert.Equal(0, receipt.Counts[NotificationErasure.QueuedMessagesCancelled]);
            Assert.Equal(1, receipt.Counts[NotificationErasure.DeliveryLogEntriesDeleted]);
            Assert.Equal(2, receipt.Counts[NotificationErasure.PickupFilesDeleted]);
            Assert.Equal(1, receipt.Counts[NotificationErasure.MessagesNamingTheCustomerDeleted]);
            Assert.Equal(1, receipt.Counts[NotificationErasure.AddressesSuppressed]);
            Assert.Empty(ForensicScan.Files([hosts.NotificationDataDirectory], needles));
            Assert.DoesNotContain(victim.Address, hosts.Notification.Logs.All, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(victim.DisplayName, hosts.Notification.Logs.All, StringComparison.OrdinalIgnoreCase);

            Assert.Empty((await hosts.Deliveries.ListDeliveriesAsync(new ListDeliveriesRequest { RecipientCustomerId = victim.Id }, hosts.Admin)).Deliveries);
            var letters = System.IO.Directory.EnumerateFiles(Path.Combine(hosts.NotificationDataDirectory, "mail-pickup")).Select(file => MimeMessage.Load(file)).ToList();
            Assert.Contains(letters, letter => (letter.Subject ?? string.Empty).Contains("Toner"));
            Assert.Contains(letters, letter => (letter.Subject ?? string.Empty).Contains(own.Id));
        });
    }

    /// <summary>
    /// A summary naming the customer with two spaces between the words, surname first, as a handle, percent-encoded or
    /// with a typographic apostrophe (<c>O’Brien</c> for <c>O'Brien</c>), with letters typed as several (<c>Thorunn</c> for
    /// <c>Þórunn</c>, <c>Joerg</c> for <c>Jörg</c>), with its apostrophe typed as a backtick or left out, or naming their address with its
    /// internationalised domain in ASCII (<c>xn--…</c>) or with a subaddress (<c>mail.x+desk@…</c>), names her too: its letters go (each found by a raw-byte scan or
    /// a black-box review after a removal: their letters stayed).
    /// </summary>
    [Theory]
    [InlineData("Perpetua {0}", "Visit from Perpetua  {0}")]
    [InlineData("Perpetua {0}", "Visit from {0}, Perpetua")]
    [InlineData("Perpetua {0}", "Visit from perpetua_{0}")]
    [InlineData("Perpetua {0}", "See https://x.example/?who=Perpetua%20{0}")]
    [InlineData("Perpetua O'{0}", "Visit from Perpetua O\u2019{0}")]
    [InlineData("\u00DE\u00F3runn {0}", "Visit from Thorunn {0}")]
    [InlineData("J\u00F6rg {0}", "Visit from Joerg {0}")]
    [InlineData("Perpetua O'{0}", "Visit from Perpetua O`{0}")]
    [InlineData("Perpetua O'{0}", "Visit from PERPETUA O{0}")]
    [InlineData("Perpetua O'{0}", "Bounce from mail.{0}@xn--bcher-kva.example")]
    [InlineData("Perpetua O'{0}", "Bounce from mail.{0}+desk@xn--bcher-kva.example")]
    [InlineData("Perpetua O'{0}", "Write to MAIL.{0}+SHOP@B\u00DCCHER.EXAMPLE")]
    public async Task A_letter_whose_summary_names_the_customer_in_another_spelling_goes_too(string name, string summary)
    {
        var project = await hosts.NewProjectAsync();
        var surname = $"Vanstone{Guid.NewGuid():N}"[..16];
        var victim = await hosts.Customers.CreateCustomerAsync(
            new Contracts.Directory.V1.CreateCustomerRequest
            {
                Address = $"mail.{surname}@b\u00FCcher.example",
                DisplayName = string.Format(CultureInfo.InvariantCulture, name, surname),
                ProjectKeys = { project },
            },
            hosts.Admin);
        var colleague = await hosts.NewCustomerAsync(project, "Carl Colleague");
        await WithPickupDirectoryAsync(async () =>
        {
            var naming = await hosts.Tickets.CreateTicketAsync(
                new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = colleague.Id, Summary = string.Format(CultureInfo.InvariantCulture, summary, surname) }, hosts.Admin);
            await hosts.SettledDeliveriesAsync(naming.Id, 1);
            Assert.NotEmpty(ForensicScan.Files([hosts.NotificationDataDirectory], [surname]));
            // The test's command carries no final profile: her name is what Notification keeps from her event, which
            // the colleague's letter does not wait for (it failed once under load with nothing deleted).
            await KnownAsync(victim);

            var receipt = await Erasures.EraseAsync(hosts, Erasures.Command(victim));

            Assert.Equal(1, receipt.Counts[NotificationErasure.MessagesNamingTheCustomerDeleted]);
            Assert.Empty(ForensicScan.Files([hosts.NotificationDataDirectory], [surname]));
        });
    }

    /// <summary>
    /// A summary naming her full name as a header's base64 encoded word (<c>=?utf-8?b?…?=</c>, as a bounce quotes the
    /// letters sent to her): that spelling is one word, and was taken for a name of one word, which takes no one else's
    /// letters (found in Ticketing's part by a local run; the same rule stood here).
    /// </summary>
    [Fact]
    public async Task A_letter_whose_summary_names_her_full_name_in_a_base64_encoded_word_goes_too()
    {
        var project = await hosts.NewProjectAsync();
        var name = $"Siobh\u00E1n Nguy\u1EC5n-O'Connor{Guid.NewGuid():N}"[..32];
        var victim = await hosts.NewCustomerAsync(project, name);
        var colleague = await hosts.NewCustomerAsync(project, "Carl Colleague");
        var encodedWord = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(name));
        await WithPickupDirectoryAsync(async () =>
        {
            var naming = await hosts.Tickets.CreateTicketAsync(
                new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = colleague.Id, Summary = $"Bounced: =?utf-8?b?{encodedWord}?=" }, hosts.Admin);
            await hosts.SettledDeliveriesAsync(naming.Id, 1);
            Assert.NotEmpty(ForensicScan.Files([hosts.NotificationDataDirectory], [encodedWord]));
            await KnownAsync(victim);

            var receipt = await Erasures.EraseAsync(hosts, Erasures.Command(victim));

            Assert.Equal(1, receipt.Counts[NotificationErasure.MessagesNamingTheCustomerDeleted]);
            Assert.Empty(ForensicScan.Files([hosts.NotificationDataDirectory], [encodedWord]));
        });
    }

    /// <summary>
    /// A summary naming the mailbox her subaddress is delivered to (<c>mail.x@…</c> of her <c>mail.x+desk@…</c>), which
    /// Directory tombstones with her when no customer has it, names her too (found in Ticketing's part by a local run).
    /// </summary>
    [Fact]
    public async Task A_letter_whose_summary_names_the_mailbox_her_subaddress_reaches_goes_too()
    {
        var project = await hosts.NewProjectAsync();
        var local = $"mail.{Guid.NewGuid():N}"[..21];
        var victim = await hosts.Customers.CreateCustomerAsync(
            new Contracts.Directory.V1.CreateCustomerRequest { Address = $"{local}+desk@b\u00FCcher.example", DisplayName = "Perpetua Someone", ProjectKeys = { project } },
            hosts.Admin);
        var colleague = await hosts.NewCustomerAsync(project, "Carl Colleague");
        await WithPickupDirectoryAsync(async () =>
        {
            var naming = await hosts.Tickets.CreateTicketAsync(
                new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = colleague.Id, Summary = $"Write to {local}@b\u00FCcher.example" }, hosts.Admin);
            await hosts.SettledDeliveriesAsync(naming.Id, 1);
            Assert.NotEmpty(ForensicScan.Files([hosts.NotificationDataDirectory], [local]));
            await KnownAsync(victim);
            var command = Erasures.Command(victim);
            command.FormerAddressHashes.Add(Erasures.HashOf($"{local}@b\u00FCcher.example"));

            var receipt = await Erasures.EraseAsync(hosts, command);

            Assert.Equal(1, receipt.Counts[NotificationErasure.MessagesNamingTheCustomerDeleted]);
            Assert.Empty(ForensicScan.Files([hosts.NotificationDataDirectory], [local]));
        });
    }

    [Fact]
    public async Task A_name_made_of_the_templates_words_or_another_recipient_s_name_takes_no_one_else_s_letters()
    {
        var project = await hosts.NewProjectAsync();
        // The subject every "ticket created" letter has, and the name of another recipient, greeted by it in their own letters.
        var victim = await hosts.NewCustomerAsync(project, "Request received");
        var namesake = await hosts.NewCustomerAsync(project, "Request received");
        var colleague = await hosts.NewCustomerAsync(project, "Carl Colleague");
        await WithPickupDirectoryAsync(async () =>
        {
            await KnownAsync(victim);
            var own = await hosts.NewTicketAsync(project, victim);
            var namesakes = await hosts.Tickets.CreateTicketAsync(
                new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = namesake.Id, Summary = "Stapler jammed" }, hosts.Admin);
            var colleagues = await hosts.Tickets.CreateTicketAsync(
                new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = colleague.Id, Summary = "Toner" }, hosts.Admin);
            // A summary that does name her still takes that letter.
            var naming = await hosts.Tickets.CreateTicketAsync(
                new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = colleague.Id, Summary = "Desk of request received moved" }, hosts.Admin);
            foreach (var ticket in new[] { own, namesakes, colleagues, naming })
            {
                await hosts.SettledDeliveriesAsync(ticket.Id, 1);
            }

            var receipt = await Erasures.EraseAsync(hosts, Erasures.Command(victim));

            Assert.Equal(ReceiptOutcome.Succeeded, receipt.Outcome);
            Assert.Equal(1, receipt.Counts[NotificationErasure.DeliveryLogEntriesDeleted]);
            // Her own letter's file and the file of the letter naming her; the others' letters stay, files and log.
            Assert.Equal(1, receipt.Counts[NotificationErasure.MessagesNamingTheCustomerDeleted]);
            Assert.Equal(2, receipt.Counts[NotificationErasure.PickupFilesDeleted]);
            foreach (var kept in new[] { namesakes, colleagues })
            {
                Assert.Single((await hosts.Deliveries.ListDeliveriesAsync(new ListDeliveriesRequest { TicketId = kept.Id }, hosts.Admin)).Deliveries);
            }

            var subjects = System.IO.Directory.EnumerateFiles(Path.Combine(hosts.NotificationDataDirectory, "mail-pickup"))
                .Select(file => MimeMessage.Load(file).Subject ?? string.Empty).ToList();
            Assert.Contains(subjects, subject => subject.Contains(namesakes.Id, StringComparison.Ordinal));
            Assert.Contains(subjects, subject => subject.Contains(colleagues.Id, StringComparison.Ordinal));
            Assert.DoesNotContain(subjects, subject => subject.Contains(naming.Id, StringComparison.Ordinal) || subject.Contains(own.Id, StringComparison.Ordinal));
        });
    }

    [Fact]
    public async Task A_name_that_letters_to_more_than_20_recipients_of_a_project_hold_takes_none_of_them_and_leaves_later_summaries_whole()
    {
        var project = await hosts.NewProjectAsync();
        var common = $"Toner {Guid.NewGuid():N}"[..14];
        var chooser = await hosts.NewCustomerAsync(project, common);
        await WithPickupDirectoryAsync(async () =>
        {
            await KnownAsync(chooser);
            var own = await hosts.NewTicketAsync(project, chooser);
            var others = new List<Contracts.Ticketing.V1.Ticket>();
            for (var number = 0; number <= CommonPhrase.MostReporters; number++)
            {
                var colleague = await hosts.NewCustomerAsync(project, $"Carl Colleague{number}");
                others.Add(await hosts.Tickets.CreateTicketAsync(
                    new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = colleague.Id, Summary = $"{common} is low" }, hosts.Admin));
            }

            await hosts.SettledDeliveriesAsync(own.Id, 1);
            foreach (var ticket in others)
            {
                await hosts.SettledDeliveriesAsync(ticket.Id, 1);
            }

            var receipt = await Erasures.EraseAsync(hosts, Erasures.Command(chooser));

            Assert.Equal(1, receipt.Counts[NotificationErasure.DeliveryLogEntriesDeleted]);
            Assert.Equal(1, receipt.Counts[NotificationErasure.PickupFilesDeleted]);
            Assert.Equal(0, receipt.Counts[NotificationErasure.MessagesNamingTheCustomerDeleted]);
            var subjects = System.IO.Directory.EnumerateFiles(Path.Combine(hosts.NotificationDataDirectory, "mail-pickup"))
                .Select(file => MimeMessage.Load(file).Subject ?? string.Empty).ToList();
            Assert.All(others, ticket => Assert.Contains(subjects, subject => subject.StartsWith($"[{ticket.Id}]", StringComparison.Ordinal)));
            // A later letter keeps its summary: the phrase is not kept as a removed customer's name.
            await hosts.Tickets.ChangeStatusAsync(new ChangeStatusRequest { TicketId = others[0].Id, Status = TicketStatus.InProgress }, hosts.Admin);
            await hosts.SettledDeliveriesAsync(others[0].Id, 2);
            var later = System.IO.Directory.EnumerateFiles(Path.Combine(hosts.NotificationDataDirectory, "mail-pickup"))
                .Select(file => MimeMessage.Load(file).Subject ?? string.Empty)
                .Where(subject => subject.StartsWith($"[{others[0].Id}]", StringComparison.Ordinal))
                .ToList();
            Assert.Equal(2, later.Count);
            Assert.All(later, subject => Assert.EndsWith($"{common} is low", subject, StringComparison.Ordinal));
        });
    }

    /// <summary>
    /// One recipient's many letters do not make a name common, nor do many recipients' letters in another project: a
    /// customer writing it into ticket after ticket, each a letter to themselves, would keep every letter naming her.
    /// </summary>
    [Fact]
    public async Task A_name_in_one_recipient_s_many_letters_or_common_in_another_project_only_is_still_taken_from_every_letter_naming_her()
    {
        var project = await hosts.NewProjectAsync();
        var other = await hosts.NewProjectAsync();
        var victim = await hosts.NewCustomerAsync(project, $"Vera Flooded{Guid.NewGuid():N}"[..20]);
        var flooder = await hosts.NewCustomerAsync(project, "Fred Flooder");
        await WithPickupDirectoryAsync(async () =>
        {
            await KnownAsync(victim);
            var flooded = new List<Contracts.Ticketing.V1.Ticket>();
            var elsewhere = new List<Contracts.Ticketing.V1.Ticket>();
            for (var number = 0; number <= CommonPhrase.MostReporters; number++)
            {
                flooded.Add(await hosts.Tickets.CreateTicketAsync(
                    new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = flooder.Id, Summary = $"{victim.DisplayName} approved it" }, hosts.Admin));
                var stranger = await hosts.NewCustomerAsync(other, $"Sam Stranger{number}");
                elsewhere.Add(await hosts.Tickets.CreateTicketAsync(
                    new CreateTicketRequest { ProjectKey = other, ReporterCustomerId = stranger.Id, Summary = $"{victim.DisplayName} approved it" }, hosts.Admin));
            }

            foreach (var ticket in flooded.Concat(elsewhere))
            {
                await hosts.SettledDeliveriesAsync(ticket.Id, 1);
            }

            var receipt = await Erasures.EraseAsync(hosts, Erasures.Command(victim));

            Assert.Equal(flooded.Count, receipt.Counts[NotificationErasure.MessagesNamingTheCustomerDeleted]);
            var subjects = System.IO.Directory.EnumerateFiles(Path.Combine(hosts.NotificationDataDirectory, "mail-pickup"))
                .Select(file => MimeMessage.Load(file).Subject ?? string.Empty).ToList();
            Assert.All(flooded, ticket => Assert.DoesNotContain(subjects, subject => subject.StartsWith($"[{ticket.Id}]", StringComparison.Ordinal)));
            Assert.All(elsewhere, ticket => Assert.Contains(subjects, subject => subject.StartsWith($"[{ticket.Id}]", StringComparison.Ordinal)));
        });
    }

    /// <summary>
    /// One ticket writes to all its participants: one customer's summary naming her, with 21 customers copied in (mail
    /// copies up to 50), made her name a "phrase" of the project by its recipients alone, and kept every letter naming her.
    /// Ticketing's part counts such a ticket once, by its reporter.
    /// </summary>
    [Fact]
    public async Task A_name_in_one_ticket_s_letters_to_many_participants_is_still_taken_from_every_letter_naming_her()
    {
        var project = await hosts.NewProjectAsync();
        var victim = await hosts.NewCustomerAsync(project, $"Vera Fanned{Guid.NewGuid():N}"[..19]);
        var flooder = await hosts.NewCustomerAsync(project, "Fred Flooder");
        var colleague = await hosts.NewCustomerAsync(project, "Carl Colleague");
        await WithPickupDirectoryAsync(async () =>
        {
            await KnownAsync(victim);
            var fanned = await hosts.Tickets.CreateTicketAsync(
                new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = flooder.Id, Summary = $"{victim.DisplayName} approved it" }, hosts.Admin);
            for (var number = 0; number <= CommonPhrase.MostReporters; number++)
            {
                var copied = await hosts.NewCustomerAsync(project, $"Pat Copied{number}");
                await hosts.Tickets.AddParticipantAsync(new AddParticipantRequest { TicketId = fanned.Id, CustomerId = copied.Id }, hosts.Admin);
            }

            var colleagues = await hosts.Tickets.CreateTicketAsync(
                new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = colleague.Id, Summary = $"{victim.DisplayName} called" }, hosts.Admin);
            await hosts.SettledDeliveriesAsync(fanned.Id, CommonPhrase.MostReporters + 2);
            await hosts.SettledDeliveriesAsync(colleagues.Id, 1);

            var receipt = await Erasures.EraseAsync(hosts, Erasures.Command(victim));

            Assert.Equal(CommonPhrase.MostReporters + 3, receipt.Counts[NotificationErasure.MessagesNamingTheCustomerDeleted]);
            var subjects = System.IO.Directory.EnumerateFiles(Path.Combine(hosts.NotificationDataDirectory, "mail-pickup"))
                .Select(file => MimeMessage.Load(file).Subject ?? string.Empty).ToList();
            Assert.DoesNotContain(subjects, subject => subject.Contains(victim.DisplayName, StringComparison.OrdinalIgnoreCase));
            Assert.Empty(ForensicScan.Files([hosts.NotificationDataDirectory], [victim.DisplayName]));
        });
    }

    [Fact]
    public async Task A_sent_letter_stored_with_former_tokens_gets_its_summary_s_from_its_pickup_file_at_start_and_is_found_by_them()
    {
        var project = await hosts.NewProjectAsync();
        var victim = await hosts.NewCustomerAsync(project, $"Vera Backfill{Guid.NewGuid():N}"[..20]);
        var colleague = await hosts.NewCustomerAsync(project, "Carl Colleague");
        await WithPickupDirectoryAsync(async () =>
        {
            var naming = await ColleaguesLetterNamingAsync(project, victim, colleague);
            var store = hosts.Notification.Services.GetRequiredService<IDeliveryStore>();
            var letter = (await store.ListAsync(new DeliveryQuery(naming.Id, null, null, null, 10), CancellationToken.None)).Single();
            Assert.Null(letter.Message);
            // As a version that tokenised the whole message stored it: no current tokens, and the message dropped at sending.
            hosts.Notification.Services.GetRequiredService<LiteDatabase>().GetCollection("deliveries").UpdateMany(
                BsonExpression.Create("{ MentionTokens: [], MentionIndex: 2 }"), BsonExpression.Create("_id = @0", letter.Id));

            await hosts.StopNotificationAsync();
            await hosts.RestartNotificationAsync(smtp: false);

            var deliveries = hosts.Notification.Services.GetRequiredService<LiteDatabase>().GetCollection("deliveries");
            await Eventually.WaitForAsync(
                () => Task.FromResult(deliveries.FindById(letter.Id)["MentionIndex"].AsInt32),
                version => version == Deliveries.Delivery.MentionIndexVersion,
                "the backfill to give the letter current tokens");
            var mentions = hosts.Notification.Services.GetRequiredService<MentionTokens>();
            var restarted = hosts.Notification.Services.GetRequiredService<IDeliveryStore>();
            Assert.Contains(letter.Id, (await restarted.ListMentioningAsync([mentions.QueryTokens(victim.DisplayName)], CancellationToken.None)).Select(found => found.Id));
            Assert.DoesNotContain(letter.Id, (await restarted.ListMentioningAsync([mentions.QueryTokens("Request received")], CancellationToken.None)).Select(found => found.Id));

            var receipt = await Erasures.EraseAsync(hosts, Erasures.Command(victim));
            Assert.Equal(1, receipt.Counts[NotificationErasure.MessagesNamingTheCustomerDeleted]);
            Assert.Empty(ForensicScan.Files([hosts.NotificationDataDirectory], [victim.DisplayName, victim.Address]));
        });
    }

    [Fact]
    public async Task A_customer_who_never_had_a_letter_is_still_found_in_the_letters_that_name_them()
    {
        var project = await hosts.NewProjectAsync();
        var victim = await hosts.NewCustomerAsync(project, "Nora Neverwritten");
        var colleague = await hosts.NewCustomerAsync(project, "Carl Colleague");
        await WithPickupDirectoryAsync(async () =>
        {
            await ColleaguesLetterNamingAsync(project, victim, colleague);
            string[] needles = [victim.Address, victim.DisplayName];
            Assert.NotEmpty(ForensicScan.Files([hosts.NotificationDataDirectory], needles));

            var receipt = await Erasures.EraseAsync(hosts, Erasures.Command(victim));

            Assert.Equal(ReceiptOutcome.Succeeded, receipt.Outcome);
            Assert.Equal(1, receipt.Counts[NotificationErasure.MessagesNamingTheCustomerDeleted]);
            Assert.Equal(1, receipt.Counts[NotificationErasure.KnownCustomersDeleted]);
            Assert.Empty(ForensicScan.Files([hosts.NotificationDataDirectory], needles));
            Assert.Null(await hosts.Notification.Services.GetRequiredService<IKnownCustomerStore>().FindAsync(victim.Id, CancellationToken.None));
        });
    }

    [Fact]
    public async Task A_letter_written_after_Notification_s_part_from_a_summary_Ticketing_has_not_redacted_leaves_it_out()
    {
        var project = await hosts.NewProjectAsync();
        var victim = await hosts.NewCustomerAsync(project, "Olga Onlynamed");
        var colleague = await hosts.NewCustomerAsync(project, "Carl Colleague");
        await WithPickupDirectoryAsync(async () =>
        {
            var naming = await ColleaguesLetterNamingAsync(project, victim, colleague);

            // Notification's part alone, as when it finishes before Ticketing's: the ticket still names her.
            await using (var scope = hosts.Notification.Services.CreateAsyncScope())
            {
                var plan = await scope.ServiceProvider.GetRequiredService<ICustomerErasure>().PlanAsync(ErasureScope.From(Erasures.Command(victim)), CancellationToken.None);
                Assert.Equal(1, (await plan.ApplyAsync(CancellationToken.None))[NotificationErasure.MessagesNamingTheCustomerDeleted]);
                await ErasureCheckpoint.RunWhereNeededAsync(scope.ServiceProvider, CancellationToken.None);
            }

            await hosts.Tickets.ChangeStatusAsync(new ChangeStatusRequest { TicketId = naming.Id, Status = TicketStatus.InProgress }, hosts.Admin);
            // The colleague's first letter stays in the log, its file (which named her) deleted.
            var letters = await hosts.SettledDeliveriesAsync(naming.Id, 2);

            Assert.Contains(victim.DisplayName, (await hosts.Tickets.GetTicketAsync(new GetTicketRequest { TicketId = naming.Id }, hosts.Admin)).Summary);
            Assert.Equal([MessageTemplates.Created, MessageTemplates.StatusChanged], letters.Deliveries.Select(delivery => delivery.Template).Order(StringComparer.Ordinal));
            var letter = MimeMessage.Load(System.IO.Directory.EnumerateFiles(Path.Combine(hosts.NotificationDataDirectory, "mail-pickup")).Single(file =>
                (MimeMessage.Load(file).Subject ?? string.Empty).Contains(naming.Id, StringComparison.Ordinal)));
            Assert.Contains(MessageTemplates.SummaryLeftOut, letter.Subject, StringComparison.Ordinal);
            Assert.Empty(ForensicScan.Files([hosts.NotificationDataDirectory], [victim.Address, victim.DisplayName]));
        });
    }

    /// <summary>
    /// A ticket created after the removal holds no remnant of the customer: its letters show the summary as its author
    /// wrote it, so the author cannot learn from their own letter that a name they wrote was a removed customer's.
    /// </summary>
    [Fact]
    public async Task A_ticket_created_after_a_removal_is_written_about_with_its_summary_even_when_it_names_the_removed_customer()
    {
        var project = await hosts.NewProjectAsync();
        var victim = await hosts.NewCustomerAsync(project, "Olga Probedfor");
        var prober = await hosts.NewCustomerAsync(project, "Paul Prober");
        // Known by name, so the removal keeps her name's tokens for letters written later.
        await Eventually.WaitForAsync(
            () => hosts.Notification.Services.GetRequiredService<IKnownCustomerStore>().FindAsync(victim.Id, CancellationToken.None),
            known => known is not null,
            "Notification to know her name");
        Assert.Equal(ReceiptOutcome.Succeeded, (await Erasures.EraseAsync(hosts, Erasures.Command(victim))).Outcome);

        var ticket = await hosts.Tickets.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = prober.Id, Summary = "Is Olga Probedfor still with you" }, hosts.Admin);
        await hosts.SettledDeliveriesAsync(ticket.Id, 1);

        Assert.Equal($"[{ticket.Id}] Request received: Is Olga Probedfor still with you", Assert.Single(hosts.Smtp.MessagesTo(prober.Address)).Subject);
    }

    [Fact]
    public async Task Queued_messages_are_cancelled_and_the_address_is_never_queued_nor_sent_again()
    {
        var project = await hosts.NewProjectAsync();
        var victim = await hosts.NewCustomerAsync(project);
        var colleague = await hosts.NewCustomerAsync(project);
        var store = hosts.Notification.Services.GetRequiredService<IDeliveryStore>();
        Contracts.Ticketing.V1.Ticket ticket;
        await hosts.Smtp.StopAsync();
        try
        {
            ticket = await hosts.NewTicketAsync(project, victim);
            await Eventually.WaitForAsync(
                async () => await store.ListToRecipientAsync(victim.Id, string.Empty, default),
                deliveries => deliveries.Count == 1 && deliveries[0].Attempts >= 1,
                "the victim's message to wait for the SMTP server");

            var receipt = await Erasures.EraseAsync(hosts, Erasures.Command(victim));
            Assert.Equal(1, receipt.Counts[NotificationErasure.QueuedMessagesCancelled]);
            Assert.Empty(await store.ListToRecipientAsync(victim.Id, string.Empty, default));
        }
        finally
        {
            await hosts.Smtp.StartAgainAsync();
        }

        // Ticketing still names the victim on the ticket (its own part is not run here): Notification must not queue them.
        await hosts.Tickets.AddParticipantAsync(new AddParticipantRequest { TicketId = ticket.Id, CustomerId = colleague.Id }, hosts.Admin);
        await hosts.Tickets.ChangeStatusAsync(new ChangeStatusRequest { TicketId = ticket.Id, Status = TicketStatus.Resolved }, hosts.Admin);
        var log = await hosts.SettledDeliveriesAsync(ticket.Id, 2);
        Assert.All(log.Deliveries, delivery => Assert.Equal(colleague.Id, delivery.RecipientCustomerId));

        // A message to the address under another id is not stored; one that slipped in all the same (under a hash
        // that is not the address's, which the store goes by) is stopped at send time, which hashes the address itself.
        Deliveries.Delivery ToVictim(string id, string addressHash) => new()
        {
            Id = id, TicketId = ticket.Id, ProjectKey = project, RecipientCustomerId = "someone-else",
            RecipientAddress = victim.Address.ToUpperInvariant(), RecipientName = "Slipped", AddressHash = addressHash,
            Template = "ticket-commented", Message = new("Subject", "Text", "<p>Html</p>"), Status = DeliveryStatus.Queued,
            NextAttemptAt = DateTimeOffset.UtcNow, CreatedAt = DateTimeOffset.UtcNow,
        };
        var refused = log.Deliveries[0].Id + "-refused";
        Assert.Equal(0, await store.AddAsync([ToVictim(refused, Erasures.HashOf(victim.Address))], default));
        Assert.Null(await store.GetAsync(refused, default));
        var slipped = log.Deliveries[0].Id + "-slipped";
        Assert.Equal(1, await store.AddAsync([ToVictim(slipped, "a-hash-that-is-not-the-address-s")], default));
        hosts.Notification.Services.GetRequiredService<Sending.DeliverySignal>().Wake();
        var suppressed = await Eventually.WaitForAsync(() => store.GetAsync(slipped, default), delivery => delivery?.Status != DeliveryStatus.Queued, "the slipped message to be judged");
        Assert.Equal(DeliveryStatus.Suppressed, suppressed!.Status);
        Assert.Equal(string.Empty, suppressed.RecipientAddress);
        Assert.Null(suppressed.Message);
        Assert.Empty(hosts.Smtp.MessagesTo(victim.Address));
        // Nor does the queued version stay readable in the LiteDB log: the suppression checkpoints.
        await Eventually.WaitForAsync(
            () => Task.FromResult(ForensicScan.Files([hosts.NotificationDataDirectory], [victim.Address])),
            found => found.Count == 0,
            "the slipped message's address to leave Notification's files");

        foreach (var spelling in new[] { victim.Address, $"  {victim.Address.ToUpperInvariant()} " })
        {
            var answer = await hosts.Deliveries.IsSuppressedAsync(new IsSuppressedRequest { Address = spelling.Trim() }, hosts.Admin);
            Assert.True(answer.Suppressed);
            Assert.Equal(IsSuppressedResponse.Types.Reason.Erased, answer.Reason);
        }

        Assert.False((await hosts.Deliveries.IsSuppressedAsync(new IsSuppressedRequest { Address = colleague.Address }, hosts.Admin)).Suppressed);
    }

    /// <summary>
    /// A queued message the sender found suppressed in the instant between the ledger's record of the removal and the
    /// part's read (it checks right before each send) was cancelled by the removal all the same: it counts so, as it
    /// would had the part read first.
    /// </summary>
    [Fact]
    public async Task A_message_the_sender_suppressed_as_the_removal_began_counts_as_cancelled()
    {
        var project = await hosts.NewProjectAsync();
        var victim = await hosts.NewCustomerAsync(project);
        await hosts.NewTicketAsync(project, victim);
        var store = hosts.Notification.Services.GetRequiredService<IDeliveryStore>();
        var sent = await Eventually.WaitForAsync(
            () => store.ListToRecipientAsync(victim.Id, string.Empty, default),
            deliveries => deliveries is [{ Status: DeliveryStatus.Sent }],
            "the victim's message to be sent");
        Assert.True(await store.UpdateAsync(sent[0] with { Status = DeliveryStatus.Suppressed, Message = null, RecipientAddress = string.Empty, RecipientName = string.Empty }, default));

        var receipt = await Erasures.EraseAsync(hosts, Erasures.Command(victim));

        Assert.Equal((1L, 0L), (receipt.Counts[NotificationErasure.QueuedMessagesCancelled], receipt.Counts[NotificationErasure.DeliveryLogEntriesDeleted]));
    }

    [Fact]
    public async Task The_preview_counts_what_the_erasure_then_does_and_changes_nothing()
    {
        var project = await hosts.NewProjectAsync();
        var victim = await hosts.NewCustomerAsync(project);
        var colleague = await hosts.NewCustomerAsync(project);
        var ticket = await hosts.NewTicketAsync(project, victim, colleague);
        await hosts.Tickets.ChangeStatusAsync(new ChangeStatusRequest { TicketId = ticket.Id, Status = TicketStatus.InProgress }, hosts.Admin);
        await hosts.SettledDeliveriesAsync(ticket.Id, 4);
        var command = Erasures.Command(victim);
        var participant = new ErasureParticipantService.ErasureParticipantServiceClient(hosts.Notification.Channel);
        var asDirectory = Bearer(await hosts.Identity.ServiceTokenAsync(ServiceNames.Directory, ServiceSecret(ServiceNames.Directory)));
        var request = new PreviewErasureRequest { CustomerId = victim.Id, Mode = ErasureMode.Anonymize, AddressHash = command.AddressHash };

        var preview = await participant.PreviewErasureAsync(request, asDirectory);
        Assert.Equal(preview, await participant.PreviewErasureAsync(request, asDirectory));
        Assert.Equal(2, (await hosts.Deliveries.ListDeliveriesAsync(new ListDeliveriesRequest { RecipientCustomerId = victim.Id }, hosts.Admin)).Deliveries.Count);
        Assert.Equal(2, preview.Counts[NotificationErasure.DeliveryLogEntriesDeleted]);
        Assert.False((await hosts.Deliveries.IsSuppressedAsync(new IsSuppressedRequest { Address = victim.Address }, hosts.Admin)).Suppressed);

        var receipt = await Erasures.EraseAsync(hosts, command);
        Assert.Equal(preview.Counts, receipt.Counts);
        Assert.Empty((await hosts.Deliveries.ListDeliveriesAsync(new ListDeliveriesRequest { RecipientCustomerId = victim.Id }, hosts.Admin)).Deliveries);
        Assert.Equal(2, (await hosts.Deliveries.ListDeliveriesAsync(new ListDeliveriesRequest { RecipientCustomerId = colleague.Id }, hosts.Admin)).Deliveries.Count);

        // Agents and other services get no preview.
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => participant.PreviewErasureAsync(request, hosts.Admin));
        var asTicketing = Bearer(await hosts.Identity.ServiceTokenAsync(ServiceNames.Ticketing, ServiceSecret(ServiceNames.Ticketing)));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => participant.PreviewErasureAsync(request, asTicketing));
    }

    [Fact]
    public async Task IsSuppressed_answers_admins_only_and_refuses_a_malformed_address()
    {
        var request = new IsSuppressedRequest { Address = TestData.Address() };
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => hosts.Deliveries.IsSuppressedAsync(request));
        var project = await hosts.NewProjectAsync();
        var customer = await hosts.NewCustomerAsync(project);
        foreach (var caller in new[] { await hosts.NewSignedInAsync(Role.Agent, projectKeys: project), await hosts.NewSignedInAsync(Role.Customer, customer.Id) })
        {
            await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => hosts.Deliveries.IsSuppressedAsync(request, caller));
        }

        foreach (var service in ServiceNames.Backends)
        {
            var token = Bearer(await hosts.Identity.ServiceTokenAsync(service, ServiceSecret(service)));
            await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => hosts.Deliveries.IsSuppressedAsync(request, token));
        }

        foreach (var malformed in new[] { string.Empty, "not an address", new string('a', 250) + "@example.test" })
        {
            var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => hosts.Deliveries.IsSuppressedAsync(new IsSuppressedRequest { Address = malformed }, hosts.Admin));
            Assert.Equal(["address"], error.Fields());
        }

        Assert.False((await hosts.Deliveries.IsSuppressedAsync(request, hosts.Admin)).Suppressed);
    }

    /// <summary>Runs <paramref name="test"/> with Notification writing its letters to the pickup directory instead of SMTP.</summary>
    private async Task WithPickupDirectoryAsync(Func<Task> test)
    {
        await hosts.StopNotificationAsync();
        await hosts.RestartNotificationAsync(smtp: false);
        try
        {
            await test();
        }
        finally
        {
            await hosts.StopNotificationAsync();
            await hosts.RestartNotificationAsync();
        }
    }

    /// <summary>Waits until Notification keeps the customer's name and address from their event.</summary>
    private Task KnownAsync(Contracts.Directory.V1.Customer customer)
    {
        var known = hosts.Notification.Services.GetRequiredService<IKnownCustomerStore>();
        return Eventually.WaitForAsync(
            () => known.FindAsync(customer.Id, CancellationToken.None), found => found is not null, "Notification to keep the customer from their event");
    }

    /// <summary>
    /// A ticket the colleague reports whose summary names the victim, created once Notification keeps the victim from
    /// their event, with the colleague's letter about it written: the victim never had a letter of their own.
    /// </summary>
    private async Task<Contracts.Ticketing.V1.Ticket> ColleaguesLetterNamingAsync(string project, Contracts.Directory.V1.Customer victim, Contracts.Directory.V1.Customer colleague)
    {
        await KnownAsync(victim);
        var naming = await hosts.Tickets.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = colleague.Id, Summary = $"Call {victim.DisplayName} at {victim.Address}" }, hosts.Admin);
        await hosts.SettledDeliveriesAsync(naming.Id, 1);
        return naming;
    }
}
