using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Ticketing.Customers;
using ServiceDesk.Ticketing.Erasure;
using ServiceDesk.Ticketing.Mail;
using ServiceDesk.Ticketing.Projects;
using ServiceDesk.Ticketing.Tickets;
using Xunit;
using IngestOutcome = ServiceDesk.Contracts.Ticketing.V1.IngestOutcome;
using TicketStatus = ServiceDesk.Contracts.Ticketing.V1.TicketStatus;

namespace ServiceDesk.Ticketing.Tests.Stores;

/// <summary>What every backend of Ticketing's stores must do; each test opens a fresh database.</summary>
public abstract class TicketingStoreContract(Func<TicketingStores> open) : IDisposable
{
    private readonly List<TicketingStores> _opened = [];

    public void Dispose() => _opened.ForEach(stores => stores.Database?.Dispose());

    [SkippableFact]
    public async Task A_project_key_is_taken_once_and_its_event_is_recorded_with_it()
    {
        var stores = Open();
        var project = new Project("HELP", "Help desk", true, TestData.Now);

        Assert.True(await stores.Projects.InsertAsync(project, [Event("first")], default));
        Assert.False(await stores.Projects.InsertAsync(project with { Name = "Again" }, [Event("second")], default));

        Assert.Equal(project, await stores.Projects.GetAsync("HELP", default));
        Assert.Null(await stores.Projects.GetAsync("NONE", default));
        Assert.Equal(["first"], (await stores.Outbox.ReadPendingAsync(10, default)).Select(e => e.EventId));
    }

    [SkippableFact]
    public async Task Projects_are_listed_in_key_order_after_a_key_and_only_among_the_visible_ones()
    {
        var stores = Open();
        foreach (var key in new[] { "CC", "AA", "DD", "BB" })
        {
            await stores.Projects.InsertAsync(new Project(key, key, false, TestData.Now), [], default);
        }

        Assert.Equal(["AA", "BB"], (await stores.Projects.ListAsync(null, null, 2, default)).Select(p => p.Key));
        Assert.Equal(["CC", "DD"], (await stores.Projects.ListAsync(null, "BB", 5, default)).Select(p => p.Key));
        Assert.Equal(["DD"], (await stores.Projects.ListAsync(new HashSet<string> { "AA", "DD" }, "BB", 5, default)).Select(p => p.Key));
    }

    [SkippableFact]
    public async Task Ticket_numbers_count_up_per_project_without_repeats_or_gaps_under_concurrency()
    {
        var stores = Open();

        var tickets = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => InsertNextAsync(stores, "HELP"))));
        // A create that fails (here: its message was taken in already) counts no number.
        await InsertNextAsync(stores, "OTHER", messageHash: "hash-1");
        await Assert.ThrowsAsync<DuplicateMailException>(() => InsertNextAsync(stores, "OTHER", messageHash: "hash-1"));

        Assert.Equal(Enumerable.Range(1, 20).Select(n => (long)n), tickets.Select(ticket => ticket.Number).Order());
        Assert.All(tickets, ticket => Assert.Equal(Ticket.IdOf("HELP", ticket.Number), ticket.Id));
        foreach (var ticket in tickets)
        {
            Assert.Equal(ticket.Number, (await stores.Tickets.GetAsync(ticket.Id, default))?.Number);
        }

        Assert.Equal(2, (await InsertNextAsync(stores, "OTHER")).Number);
        Assert.Null(await stores.Tickets.GetAsync(Ticket.IdOf("OTHER", 3), default));
    }

    [SkippableFact]
    public async Task A_ticket_reads_back_as_written_and_a_change_over_a_stale_version_writes_nothing()
    {
        var stores = Open();
        var ticket = NewTicket("HELP", 1, "jane") with
        {
            ParticipantIds = ["john"],
            Comments = [new TicketComment("c1", "account", "jane", "Hello", false, TestData.Now), new TicketComment("c2", "agent", null, "Note", true, TestData.Now)],
        };
        await stores.Tickets.InsertAsync(ticket, [Event("created")], null, default);

        var stored = await stores.Tickets.GetAsync(ticket.Id, default);
        Assert.Equal(Describe(ticket), Describe(stored!));

        var changed = ticket with { Status = TicketStatus.Resolved, Version = 2 };
        Assert.True(await stores.Tickets.ReplaceAsync(ticket, changed, [Event("resolved")], null, default));
        Assert.False(await stores.Tickets.ReplaceAsync(ticket, ticket with { Status = TicketStatus.Closed, Version = 2 }, [Event("lost")], null, default));

        Assert.Equal(TicketStatus.Resolved, (await stores.Tickets.GetAsync(ticket.Id, default))!.Status);
        Assert.Null((await stores.Tickets.GetAsync(ticket.Id, default))!.CustomersUpdatedAt);
        Assert.Equal(["created", "resolved"], (await stores.Outbox.ReadPendingAsync(10, default)).Select(e => e.EventId));
        var seen = changed with { Version = 3, CustomersUpdatedAt = TestData.Now.AddMinutes(1) };
        Assert.True(await stores.Tickets.ReplaceAsync(changed, seen, [], null, default));
        Assert.Equal(TestData.Now.AddMinutes(1), (await stores.Tickets.GetAsync(ticket.Id, default))!.CustomersUpdatedAt);
    }

    [SkippableFact]
    public async Task Many_tickets_are_replaced_over_their_previous_versions_without_events_and_a_stale_one_is_left_and_named()
    {
        var stores = Open();
        var first = NewTicket("HELP", 1, "jane");
        var second = NewTicket("HELP", 2, "jane");
        await stores.Tickets.InsertAsync(first, [], null, default);
        await stores.Tickets.InsertAsync(second, [], null, default);
        Assert.True(await stores.Tickets.ReplaceAsync(second, second with { Summary = "Changed meanwhile", Version = 2 }, [], null, default));

        var stale = await stores.Tickets.ReplaceManyAsync([(first, first with { Summary = "Redacted", Version = 2 }), (second, second with { Summary = "Lost", Version = 2 })], default);

        Assert.Equal([second.Id], stale);
        Assert.Equal(("Redacted", 2L), await SummaryAndVersionAsync(stores, first.Id));
        Assert.Equal(("Changed meanwhile", 2L), await SummaryAndVersionAsync(stores, second.Id));
        Assert.Empty(await stores.Outbox.ReadPendingAsync(10, default));
    }

    private static async Task<(string, long)> SummaryAndVersionAsync(TicketingStores stores, string id) =>
        await stores.Tickets.GetAsync(id, default) is { } ticket ? (ticket.Summary, ticket.Version) : throw new InvalidOperationException($"{id} is gone");

    [SkippableFact]
    public async Task Of_concurrent_changes_from_one_version_exactly_one_is_written()
    {
        var stores = Open();
        var ticket = NewTicket("HELP", 1, "jane");
        await stores.Tickets.InsertAsync(ticket, [], null, default);

        var written = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            stores.Tickets.ReplaceAsync(ticket, ticket with { Summary = $"Change {i}", Version = 2 }, [Event($"change-{i}")], null, default))));

        Assert.Single(written, wasWritten => wasWritten);
        var winner = Array.IndexOf(written, true);
        Assert.Equal($"Change {winner}", (await stores.Tickets.GetAsync(ticket.Id, default))!.Summary);
        Assert.Equal([$"change-{winner}"], (await stores.Outbox.ReadPendingAsync(10, default)).Select(e => e.EventId));
    }

    [SkippableFact]
    public async Task Tickets_are_listed_newest_first_with_their_filters()
    {
        var stores = Open();
        for (var number = 1; number <= 12; number++)
        {
            var ticket = NewTicket("HELP", number, number % 3 == 0 ? "jane" : "john") with
            {
                Status = number % 2 == 0 ? TicketStatus.Resolved : TicketStatus.Open,
                ParticipantIds = number == 7 ? ["jane"] : [],
            };
            await stores.Tickets.InsertAsync(ticket, [], null, default);
        }

        await stores.Tickets.InsertAsync(NewTicket("HELPX", 1, "jane"), [], null, default);

        async Task<long[]> ListAsync(TicketStatus? status = null, string? reporter = null, string? concerning = null, long? before = null, int limit = 20) =>
            [.. (await stores.Tickets.ListAsync(new TicketQuery("HELP", status, reporter, concerning, before, limit), default)).Select(t => t.Number)];

        Assert.Equal(new long[] { 12, 11, 10 }, await ListAsync(limit: 3));
        Assert.Equal(new long[] { 9, 8, 7 }, await ListAsync(before: 10, limit: 3));
        Assert.Equal(new long[] { 12, 10, 8, 6, 4, 2 }, await ListAsync(status: TicketStatus.Resolved));
        Assert.Equal(new long[] { 12, 9, 6, 3 }, await ListAsync(reporter: "jane"));
        Assert.Equal(new long[] { 12, 9, 7, 6, 3 }, await ListAsync(concerning: "jane"));
        Assert.Equal(new long[] { 9, 7 }, await ListAsync(concerning: "jane", before: 12, limit: 2));
        Assert.Equal(new long[] { 9, 7, 3 }, await ListAsync(status: TicketStatus.Open, concerning: "jane", before: 12));
    }

    [SkippableFact]
    public async Task A_snapshot_only_moves_to_newer_versions_and_events_do_not_create_one()
    {
        var stores = Open();
        var v2 = new CustomerSnapshot("jane", "Jane Two", "jane@example.com", ["HELP"], 2);

        Assert.False(await stores.Snapshots.SaveIfNewerAsync(v2, createIfMissing: false, default));
        Assert.Empty(await stores.Snapshots.GetManyAsync(["jane"], default));
        Assert.True(await stores.Snapshots.SaveIfNewerAsync(v2, createIfMissing: true, default));
        Assert.False(await stores.Snapshots.SaveIfNewerAsync(v2 with { DisplayName = "Jane One", Version = 1 }, createIfMissing: true, default));
        Assert.False(await stores.Snapshots.SaveIfNewerAsync(v2 with { DisplayName = "Jane Again" }, createIfMissing: false, default));
        Assert.True(await stores.Snapshots.SaveIfNewerAsync(v2 with { DisplayName = "Jane Three", Version = 3 }, createIfMissing: false, default));

        var stored = await stores.Snapshots.GetManyAsync(["jane", "nobody", "jane"], default);
        Assert.Equal(["jane"], stored.Keys);
        Assert.Equal(("Jane Three", 3L, "HELP"), (stored["jane"].DisplayName, stored["jane"].Version, stored["jane"].ProjectKeys.Single()));
    }

    [SkippableFact]
    public async Task A_snapshot_from_an_event_is_kept_when_newer_or_missing_and_records_the_event_with_it_once()
    {
        var stores = Open();
        var v1 = new CustomerSnapshot("jane", "Jane One", "jane@example.com", ["HELP"], 1);
        var updated = new EventContext("event-1", "directory", DateTimeOffset.UnixEpoch, "customers", "1-0");
        Assert.True(await stores.Snapshots.SaveIfNewerAsync(v1, createIfMissing: true, default));

        Assert.True(await stores.Snapshots.KeepFromEventAsync(v1 with { Version = 2 }, updated, DateTimeOffset.UnixEpoch, default));
        await Assert.ThrowsAsync<EventAlreadyHandledException>(() => stores.Snapshots.KeepFromEventAsync(v1 with { Version = 3 }, updated, DateTimeOffset.UnixEpoch, default));

        Assert.Equal(2, (await stores.Snapshots.GetManyAsync(["jane"], default))["jane"].Version);
        Assert.False(await stores.Snapshots.KeepFromEventAsync(v1, updated with { EventId = "event-2" }, DateTimeOffset.UnixEpoch, default));
        Assert.Equal(2, (await stores.Snapshots.GetManyAsync(["jane"], default))["jane"].Version);
        // Every customer's events are kept, not only those of the customers tickets refer to.
        Assert.True(await stores.Snapshots.KeepFromEventAsync(v1 with { CustomerId = "john" }, updated with { EventId = "event-3" }, DateTimeOffset.UnixEpoch, default));
        Assert.Equal("Jane One", (await stores.Snapshots.GetManyAsync(["john"], default))["john"].DisplayName);
    }

    /// <summary>
    /// A customer's update, or their first snapshot, arriving as their erasure writes the pseudonym: the pseudonym
    /// stays, whichever commits first. Read before its write lock, the update once compared itself with the version
    /// before the pseudonym's and put the name and address back; the pseudonym's insert, beaten by a first snapshot,
    /// once gave up on the duplicate id.
    /// </summary>
    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_update_kept_while_the_pseudonym_is_written_never_replaces_it(bool firstSnapshot)
    {
        var stores = Open();
        for (var round = 0; round < 100; round++)
        {
            var customerId = $"jane-{round}";
            var v1 = new CustomerSnapshot(customerId, "Jane One", "jane@example.com", ["HELP"], 1);
            if (!firstSnapshot)
            {
                Assert.True(await stores.Snapshots.SaveIfNewerAsync(v1, createIfMissing: true, default));
            }

            var updated = new EventContext($"updated-{round}", "directory", DateTimeOffset.UnixEpoch, "customers", "1-0");

            using var start = new Barrier(2);
            var keeping = Task.Run(() =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                return stores.Snapshots.KeepFromEventAsync(v1 with { DisplayName = "Jane Two", Version = 2 }, updated, DateTimeOffset.UnixEpoch, default);
            });
            var erasing = Task.Run(() =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                return stores.Snapshots.SaveIfNewerAsync(CustomerSnapshot.ErasedAs(customerId, "Former customer 0a1b"), createIfMissing: true, default);
            });
            await Task.WhenAll(keeping, erasing);

            var stored = (await stores.Snapshots.GetManyAsync([customerId], default))[customerId];
            Assert.True(stored is { Erased: true, DisplayName: "Former customer 0a1b", Address: "" }, $"round {round}: {stored}");
        }
    }

    /// <summary>
    /// Once a removal of the customer is recorded, no snapshot but the removal's own is stored: a name or address an
    /// event or a read from Directory brought after the removal's plan read the snapshot would not be looked for.
    /// </summary>
    [SkippableFact]
    public async Task Only_the_removal_s_own_snapshot_is_stored_once_the_removal_is_recorded()
    {
        var stores = Open();
        var v1 = new CustomerSnapshot("erin", "Erin One", "erin@example.com", ["HELP"], 1);
        Assert.True(await stores.Snapshots.SaveIfNewerAsync(v1, createIfMissing: true, default));
        await stores.Ledger.StartAsync(Removal("erin"), default);
        await stores.Snapshots.WaitForWritesAsync("erin", default);

        var renamed = v1 with { DisplayName = "Erin Two", Address = "erin.two@example.com", Version = 2 };
        Assert.False(await stores.Snapshots.SaveIfNewerAsync(renamed, createIfMissing: true, default));
        Assert.False(await stores.Snapshots.KeepFromEventAsync(renamed, new EventContext("renamed", "directory", DateTimeOffset.UnixEpoch, "customers", "1-0"), DateTimeOffset.UnixEpoch, default));
        var stored = (await stores.Snapshots.GetManyAsync(["erin"], default))["erin"];
        Assert.Equal(("Erin One", "erin@example.com", 1L), (stored.DisplayName, stored.Address, stored.Version));

        Assert.True(await stores.Snapshots.SaveIfNewerAsync(CustomerSnapshot.ErasedAs("erin", "Former customer 0a1b"), createIfMissing: true, default));
        Assert.True((await stores.Snapshots.GetManyAsync(["erin"], default))["erin"].Erased);
    }

    [SkippableFact]
    public async Task A_write_bringing_an_erased_customer_into_a_ticket_is_refused_and_writes_nothing()
    {
        var stores = Open();
        var ticket = NewTicket("HELP", 1, "jane") with { ParticipantIds = ["erin"] };
        await stores.Tickets.InsertAsync(ticket, [], null, default);
        await stores.Ledger.StartAsync(Removal("erin"), default);
        await stores.Ledger.StartAsync(Removal("ezra"), default);

        var refusals = new (string Customer, Func<Task> Write)[]
        {
            ("ezra", () => stores.Tickets.InsertAsync(NewTicket("HELP", 2, "ezra"), [Event("reported")], null, default)),
            ("ezra", () => InsertNextAsync(stores, "OTHER", reporter: "ezra")),
            ("ezra", () => stores.Tickets.ReplaceAsync(ticket, ticket with { ParticipantIds = ["erin", "ezra"], Version = 2 }, [Event("joined")], null, default)),
            ("erin", () => stores.Tickets.ReplaceAsync(ticket, ticket with { Comments = [Comment("c1", "erin")], Version = 2 }, [Event("commented")], null, default)),
            ("ezra", () => stores.Tickets.ReplaceManyAsync([(ticket, ticket with { ReporterId = "ezra", Version = 2 })], default)),
        };
        foreach (var (customer, write) in refusals)
        {
            Assert.Equal(customer, (await Assert.ThrowsAsync<CustomerErasedException>(write)).CustomerId);
        }

        Assert.Equal(Describe(ticket), Describe((await stores.Tickets.GetAsync(ticket.Id, default))!));
        Assert.Null(await stores.Tickets.GetAsync(Ticket.IdOf("HELP", 2), default));
        Assert.Empty(await stores.Outbox.ReadPendingAsync(10, default));

        // Whoever the ticket named already stays named: staff still comment, and the erasure itself writes.
        var commented = ticket with { Comments = [Comment("c2", null)], Version = 2 };
        Assert.True(await stores.Tickets.ReplaceAsync(ticket, commented, [Event("staff")], null, default));
        Assert.Equal([], await stores.Tickets.ReplaceManyAsync([(commented, commented with { ParticipantIds = [], Version = 3 })], default));
        Assert.Equal(1, (await InsertNextAsync(stores, "OTHER")).Number);
    }

    /// <summary>
    /// A ticket write bringing a customer in, released together with the ledger's record of their removal: the write is
    /// refused, or what the erasure reads after <see cref="ITicketStore.WaitForJoiningWritesAsync"/> holds it. Checked
    /// before their own transactions only, such writes once committed unseen by the erasure that had just read the
    /// tickets, and the ticket kept the customer and their texts.
    /// </summary>
    [SkippableFact]
    public async Task A_write_bringing_a_customer_in_as_their_removal_is_recorded_is_refused_or_seen_by_the_erasure()
    {
        var stores = Open();
        for (var round = 0; round < 60; round++)
        {
            var customer = $"erin-{round}";
            var existing = NewTicket("HELP", 1000 + round, "john");
            await stores.Tickets.InsertAsync(existing, [], null, default);
            var (written, write) = (round % 3) switch
            {
                0 => (NewTicket("HELP", round + 1, customer), (Func<Task>)(() => stores.Tickets.InsertAsync(NewTicket("HELP", round + 1, customer), [], null, default))),
                1 => (existing with { ParticipantIds = [customer], Version = 2 }, () => stores.Tickets.ReplaceAsync(existing, existing with { ParticipantIds = [customer], Version = 2 }, [], null, default)),
                _ => (existing with { Comments = [Comment("c1", customer)], Version = 2 }, () => stores.Tickets.ReplaceAsync(existing, existing with { Comments = [Comment("c1", customer)], Version = 2 }, [], null, default)),
            };

            using var start = new Barrier(2);
            var writing = Task.Run(async () =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                // Staggered by up to about half a millisecond, so some writes begin only as the erasure waits or reads.
                Thread.SpinWait(round % 10 * 2_000);
                try
                {
                    await write();
                    return true;
                }
                catch (CustomerErasedException)
                {
                    return false;
                }
            });
            var erasing = Task.Run(async () =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                await stores.Ledger.StartAsync(Removal(customer), default);
                await stores.Tickets.WaitForJoiningWritesAsync(customer, default);
                return await stores.Tickets.GetAsync(written.Id, default);
            });
            var (committed, seenByErasure) = (await writing, await erasing);

            var stored = await stores.Tickets.GetAsync(written.Id, default);
            Assert.True(
                committed
                    ? seenByErasure?.Version == written.Version
                    : stored is null || stored.Version < written.Version,
                $"round {round}: written {committed}, the erasure read version {seenByErasure?.Version}, stored {stored?.Version}");
        }
    }

    /// <summary>
    /// A removed customer's kept names are found by their most telling word's token. A write recording an inbound message
    /// whose new texts hold one is refused and writes nothing; a text that was there before, or a write from no message
    /// (an agent's, an erasure's own), is not the intake's to check.
    /// </summary>
    [SkippableFact]
    public async Task A_write_recording_mail_whose_new_texts_hold_a_kept_name_is_refused_and_writes_nothing()
    {
        var stores = Open();
        var name = Kept("erin", "Erin Quist");
        await stores.Tickets.RememberErasedNamesAsync([name, name, Kept("erin", "erin@example.com")], default);

        var found = Assert.Single(await stores.Tickets.ListErasedNamesAsync(TicketingStores.Mentions.Of(["Ask erin QUIST"]), default));
        Assert.Equal((name.Id, name.CustomerId, name.FirstToken, name.Replacement), (found.Id, found.CustomerId, found.FirstToken, found.Replacement));
        Assert.Equal(name.WordTokens, found.WordTokens);
        // Found by "Quist", the longer word, alone.
        Assert.Empty(await stores.Tickets.ListErasedNamesAsync(TicketingStores.Mentions.Of(["Ask Erin"]), default));

        var naming = NewTicket("HELP", 1, "jane") with { Description = "Forwarded: from Erin  Quist <erin@example.com>" };
        await Assert.ThrowsAsync<TextNamesErasedException>(() =>
            stores.Tickets.InsertAsync(naming, [Event("created")], new InboundMail("hash-1", naming.Id, IngestOutcome.TicketCreated, LetsCopiesIn: true), default));
        await Assert.ThrowsAsync<TextNamesErasedException>(() => stores.Tickets.InsertNextAsync(
            "HELP", number => new NumberedTicket(naming, [Event("next")], new InboundMail("hash-2", naming.Id, IngestOutcome.TicketCreated, LetsCopiesIn: true)), default));
        Assert.Null(await stores.Tickets.GetAsync(naming.Id, default));
        Assert.Null(await stores.Tickets.FindMailAsync(["hash-1", "hash-2"], default));
        Assert.Empty(await stores.Outbox.ReadPendingAsync(10, default));

        await stores.Tickets.InsertAsync(naming, [], null, default);
        var commented = naming with { Comments = [Comment("c1", "jane")], Version = 2 };
        Assert.True(await stores.Tickets.ReplaceAsync(naming, commented, [], new InboundMail("hash-3", naming.Id, IngestOutcome.CommentAdded, LetsCopiesIn: false), default));
        var quoting = commented with { Comments = [.. commented.Comments, Comment("c2", "jane") with { Body = "She signs Quist, Erin: erin@example.com" }], Version = 3 };
        await Assert.ThrowsAsync<TextNamesErasedException>(() =>
            stores.Tickets.ReplaceAsync(commented, quoting, [], new InboundMail("hash-4", naming.Id, IngestOutcome.CommentAdded, LetsCopiesIn: false), default));
        Assert.Equal(2, (await stores.Tickets.GetAsync(naming.Id, default))!.Version);
    }

    /// <summary>
    /// An erasure keeps the names, waits for the mail writes under way, then reads the tickets: each write either is
    /// refused or has committed before that read.
    /// </summary>
    [SkippableFact]
    public async Task A_mail_write_as_the_names_are_kept_is_refused_or_seen_by_the_erasure()
    {
        var stores = Open();
        for (var round = 0; round < 40; round++)
        {
            var customer = $"erin-{round}";
            var written = NewTicket("HELP", round + 1, "john") with { Description = $"Forwarded from Erin Quist{round}" };
            using var start = new Barrier(2);
            var writing = Task.Run(async () =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                // Staggered by up to about half a millisecond, so some writes begin only as the erasure waits or reads.
                Thread.SpinWait(round % 10 * 2_000);
                try
                {
                    await stores.Tickets.InsertAsync(written, [], new InboundMail($"hash-{round}", written.Id, IngestOutcome.TicketCreated, LetsCopiesIn: true), default);
                    return true;
                }
                catch (TextNamesErasedException)
                {
                    return false;
                }
            });
            var erasing = Task.Run(async () =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                await stores.Tickets.RememberErasedNamesAsync([Kept(customer, $"Erin Quist{round}")], default);
                await stores.Tickets.WaitForMailWritesAsync(default);
                return await stores.Tickets.GetAsync(written.Id, default);
            });
            var (committed, seenByErasure) = (await writing, await erasing);

            Assert.True(committed ? seenByErasure is not null : await stores.Tickets.GetAsync(written.Id, default) is null, $"round {round}: written {committed}, seen {seenByErasure is not null}");
        }
    }

    [SkippableFact]
    public async Task A_message_is_recorded_with_its_ticket_change_once_and_a_second_record_writes_nothing()
    {
        var stores = Open();
        var ticket = NewTicket("HELP", 1, "jane");
        await stores.Tickets.InsertAsync(ticket, [Event("created")], new InboundMail("hash-1", ticket.Id, IngestOutcome.TicketCreated, LetsCopiesIn: true), default);

        await Assert.ThrowsAsync<DuplicateMailException>(() =>
            stores.Tickets.InsertAsync(NewTicket("HELP", 2, "jane"), [Event("again")], new InboundMail("hash-1", "HELP-2", IngestOutcome.TicketCreated, LetsCopiesIn: true), default));
        await Assert.ThrowsAsync<DuplicateMailException>(() =>
            stores.Tickets.ReplaceAsync(ticket, ticket with { Summary = "Changed", Version = 2 }, [Event("changed")], new InboundMail("hash-1", ticket.Id, IngestOutcome.CommentAdded, LetsCopiesIn: false), default));
        Assert.True(await stores.Tickets.ReplaceAsync(ticket, ticket with { Version = 2 }, [], new InboundMail("hash-2", ticket.Id, IngestOutcome.CommentAdded, LetsCopiesIn: false), default));
        Assert.True(await stores.Tickets.ReplaceAsync(
            ticket with { Version = 2 }, ticket with { Version = 3 }, [], new InboundMail("hash-3", ticket.Id, IngestOutcome.CommentAdded, LetsCopiesIn: true), default));

        Assert.Null(await stores.Tickets.GetAsync("HELP-2", default));
        Assert.Equal("Summary 1", (await stores.Tickets.GetAsync(ticket.Id, default))!.Summary);
        Assert.Equal(["created"], (await stores.Outbox.ReadPendingAsync(10, default)).Select(e => e.EventId));
        Assert.Equal(new InboundMail("hash-2", ticket.Id, IngestOutcome.CommentAdded, LetsCopiesIn: false), await stores.Tickets.FindMailAsync(["unknown", "hash-2", "hash-1"], default));
        Assert.Equal(new InboundMail("hash-3", ticket.Id, IngestOutcome.CommentAdded, LetsCopiesIn: true), await stores.Tickets.FindMailAsync(["hash-3", "hash-1"], default));
        Assert.Equal(new InboundMail("hash-1", ticket.Id, IngestOutcome.TicketCreated, LetsCopiesIn: true), await stores.Tickets.FindMailAsync(["hash-1"], default));
        Assert.Null(await stores.Tickets.FindMailAsync(["unknown"], default));
    }

    [SkippableFact]
    public async Task Tickets_are_found_by_customer_in_every_project_and_by_text_in_any_letter_case_and_deleted_at_their_version()
    {
        var stores = Open();
        var reported = NewTicket("HELP", 1, "jane") with { Description = "Write to xJANE.DOE@example.com" };
        var joined = NewTicket("OTHER", 1, "john") with { ParticipantIds = ["jane"], Status = TicketStatus.Resolved };
        var mentioned = NewTicket("HELP", 2, "john") with
        {
            Comments = [new TicketComment("c1", "agent", null, "Ask JANE.DOE@example.com", false, TestData.Now)],
        };
        var unrelated = NewTicket("HELP", 3, "john");
        foreach (var ticket in new[] { reported, joined, mentioned, unrelated })
        {
            await stores.Tickets.InsertAsync(ticket, [], null, default);
        }

        await stores.Tickets.InsertAsync(NewTicket("OTHER", 2, "jane"), [], null, default);

        // Mentions is any occurrence in any letter case, also inside a word; the mention search finds whole words only.
        var all = await stores.Tickets.FindConcerningAsync("jane", readReported: true, ["jane.doe@EXAMPLE.com", "Nobody"], default);
        Assert.Equal(
            [(reported.Id, "jane", "", TicketStatus.Open, 1L, true), (joined.Id, "john", "jane", TicketStatus.Resolved, 1L, false), ("OTHER-2", "jane", "", TicketStatus.Open, 1L, false)],
            all.Read.Select(t => (t.Id, t.ReporterId, string.Join(",", t.ParticipantIds), t.Status, t.Version, t.Mentions)).OrderBy(t => t.Id, StringComparer.Ordinal));
        Assert.Equal(0, all.ReportedUnread);
        var joinedOnly = await stores.Tickets.FindConcerningAsync("jane", readReported: false, ["jane.doe@EXAMPLE.com"], default);
        Assert.Equal([joined.Id], joinedOnly.Read.Select(t => t.Id));
        Assert.Equal(2, joinedOnly.ReportedUnread);
        var nobody = await stores.Tickets.FindConcerningAsync("nobody", readReported: false, [], default);
        Assert.Equal((0, 0L), (nobody.Read.Count, nobody.ReportedUnread));
        Assert.Equal(new[] { mentioned, unrelated }.Select(Describe), (await stores.Tickets.GetManyAsync([unrelated.Id, "HELP-404", mentioned.Id], default)).OrderBy(t => t.Id, StringComparer.Ordinal).Select(Describe));
        Assert.Empty(await stores.Tickets.GetManyAsync([], default));
        Assert.Equal([mentioned.Id], (await stores.Tickets.ListMentioningAsync(["jane.doe@EXAMPLE.com", "Nobody"], default)).Select(t => t.Id));
        Assert.Equal([unrelated.Id], (await stores.Tickets.ListMentioningAsync(["summary 3"], default)).Select(t => t.Id));

        Assert.False(await stores.Tickets.DeleteAsync(reported.Id, 2, default));
        Assert.True(await stores.Tickets.DeleteAsync(reported.Id, 1, default));
        Assert.Null(await stores.Tickets.GetAsync(reported.Id, default));
    }

    [SkippableFact]
    public async Task A_snapshot_read_from_directory_keeps_the_former_names_and_an_event_of_its_version_completes_it()
    {
        var stores = Open();
        var given = new CustomerSnapshot("jane", "Jane Given", "jane@newco.example", ["HELP"], 1)
        {
            History = new ProfileHistory([], ["jane@oldco.example"]),
            FromEvent = true,
        };
        await stores.Snapshots.KeepFromEventAsync(given, Handled("event-1"), DateTimeOffset.UnixEpoch, default);

        // Read from Directory's API: the name and address only.
        Assert.True(await stores.Snapshots.SaveIfNewerAsync(new CustomerSnapshot("jane", "Jane Chosen", "jane@newco.example", ["HELP"], 2), createIfMissing: true, default));
        var read = (await stores.Snapshots.GetManyAsync(["jane"], default))["jane"];
        Assert.Equal([new PreviousName("Jane Given", false)], read.History.Names);
        Assert.Equal(["jane@oldco.example"], read.History.Addresses);
        Assert.False(read.FromEvent);

        var chosen = new CustomerSnapshot("jane", "Jane Chosen", "jane@newco.example", ["HELP"], 2)
        {
            DisplayNameChosenByCustomer = true,
            History = new ProfileHistory([new PreviousName("Jane Given", false)], ["jane@oldco.example"]),
            FromEvent = true,
        };
        Assert.True(await stores.Snapshots.KeepFromEventAsync(chosen, Handled("event-2"), DateTimeOffset.UnixEpoch, default));
        Assert.False(await stores.Snapshots.KeepFromEventAsync(chosen with { DisplayNameChosenByCustomer = false }, Handled("event-3"), DateTimeOffset.UnixEpoch, default));
        Assert.True((await stores.Snapshots.GetManyAsync(["jane"], default))["jane"] is { DisplayNameChosenByCustomer: true, FromEvent: true });

        // A newer read of the same name keeps who chose it.
        Assert.True(await stores.Snapshots.SaveIfNewerAsync(new CustomerSnapshot("jane", "Jane Chosen", "jane@newco.example", ["HELP", "SALES"], 3), createIfMissing: true, default));
        var later = (await stores.Snapshots.GetManyAsync(["jane"], default))["jane"];
        Assert.Equal((true, 3L, 1, 1), (later.DisplayNameChosenByCustomer, later.Version, later.History.Names.Count, later.History.Addresses.Count));

        // Erased, nothing of it stays.
        Assert.True(await stores.Snapshots.SaveIfNewerAsync(CustomerSnapshot.ErasedAs("jane", "Former customer 7F3A"), createIfMissing: true, default));
        var erased = (await stores.Snapshots.GetManyAsync(["jane"], default))["jane"];
        Assert.Equal((0, 0, false), (erased.History.Names.Count, erased.History.Addresses.Count, erased.DisplayNameChosenByCustomer));
    }

    [SkippableFact]
    public async Task An_erased_customer_s_snapshot_is_never_replaced()
    {
        var stores = Open();
        await stores.Snapshots.SaveIfNewerAsync(new CustomerSnapshot("jane", "Jane", "jane@example.com", ["HELP"], 2), createIfMissing: true, default);

        Assert.True(await stores.Snapshots.SaveIfNewerAsync(CustomerSnapshot.ErasedAs("jane", "Former customer 7F3A"), createIfMissing: true, default));
        Assert.False(await stores.Snapshots.SaveIfNewerAsync(new CustomerSnapshot("jane", "Jane", "jane@example.com", ["HELP"], 3), createIfMissing: true, default));
        Assert.False(await stores.Snapshots.SaveIfNewerAsync(CustomerSnapshot.ErasedAs("jane", "Former customer 7F3A"), createIfMissing: true, default));

        var stored = (await stores.Snapshots.GetManyAsync(["jane"], default))["jane"];
        Assert.Equal(("Former customer 7F3A", "", true), (stored.DisplayName, stored.Address, stored.Erased));
        Assert.Empty(stored.ProjectKeys);
    }

    private TicketingStores Open()
    {
        var stores = open();
        _opened.Add(stores);
        return stores;
    }

    [SkippableFact]
    public async Task A_name_or_address_is_found_as_whole_words_in_any_letter_case_through_the_tokens_kept_current_on_every_write()
    {
        var stores = Open();
        var inComment = NewTicket("HELP", 1, "john") with
        {
            Comments = [new TicketComment("c1", "agent", null, "Ask JANE.DOE@example.com, or Jane Doe herself.", false, TestData.Now)],
        };
        var inSummary = NewTicket("HELP", 2, "john") with { Summary = "(jane doe) cannot print" };
        var insideWords = NewTicket("HELP", 3, "john") with { Summary = "Write to xjane.doe@example.com", Description = "Mary-Jane Doering called." };
        var otherJane = NewTicket("HELP", 4, "john") with { Description = "Jane Doe-Smith called." };
        foreach (var ticket in new[] { inComment, inSummary, insideWords, otherJane })
        {
            await stores.Tickets.InsertAsync(ticket, [], null, default);
        }

        Assert.Equal([inComment.Id], await MentioningAsync(stores, "jane.doe@EXAMPLE.com"));
        Assert.Equal([inComment.Id, inSummary.Id, otherJane.Id], await MentioningAsync(stores, "JANE DOE"));
        Assert.Equal([otherJane.Id], await MentioningAsync(stores, "Jane Doe-Smith"));
        Assert.Equal([], await MentioningAsync(stores, "!!!", "Doering Mary"));

        var redacted = inComment with { Comments = [inComment.Comments[0] with { Body = "Ask Former customer 7F3A." }], Version = 2 };
        Assert.True(await stores.Tickets.ReplaceAsync(inComment, redacted, [], null, default));
        Assert.Equal([], await stores.Tickets.ReplaceManyAsync([(inSummary, inSummary with { Summary = "Former customer 7F3A cannot print", Version = 2 })], default));
        Assert.Equal([otherJane.Id], await MentioningAsync(stores, "jane.doe@example.com", "Jane Doe"));
        Assert.Equal([inComment.Id, inSummary.Id], await MentioningAsync(stores, "former CUSTOMER 7f3a"));
    }

    [SkippableFact]
    public async Task The_reporters_of_the_tickets_naming_a_text_that_the_customer_has_no_part_in_are_counted_per_project_up_to_a_limit()
    {
        var stores = Open();
        var tickets = new[]
        {
            NewTicket("HELP", 1, "jane") with { Summary = "Toner is low" },
            NewTicket("HELP", 2, "john") with { Summary = "Toner is low", ParticipantIds = ["jane"] },
            NewTicket("HELP", 3, "john") with { Description = "the TONER, again" },
            NewTicket("HELP", 4, "john") with { Comments = [new TicketComment("c1", "agent", null, "toner ordered", false, TestData.Now)] },
            NewTicket("HELP", 5, "mary") with { Summary = "Tonerless printer" },
            NewTicket("HELP", 6, "mary") with { Summary = "Toner" },
            NewTicket("HELP", 7, "ann") with { Summary = "Toner" },
            NewTicket("OTHER", 1, "john") with { Summary = "Toner" },
        };
        foreach (var ticket in tickets)
        {
            await stores.Tickets.InsertAsync(ticket, [], null, default);
        }

        // Tickets 3, 4, 6 and 7 of HELP (john twice): jane reports 1 and takes part in 2; 5 holds the word only inside another.
        Assert.Equal(new Dictionary<string, int> { ["HELP"] = 3, ["OTHER"] = 1 }, await stores.Tickets.CountReportersMentioningAsync("toner", "jane", 10, default));
        Assert.Equal(new Dictionary<string, int> { ["HELP"] = 2, ["OTHER"] = 1 }, await stores.Tickets.CountReportersMentioningAsync("toner", "jane", 2, default));
        Assert.Equal(new Dictionary<string, int> { ["HELP"] = 4, ["OTHER"] = 1 }, await stores.Tickets.CountReportersMentioningAsync("toner", "nobody", 10, default));
        Assert.Empty(await stores.Tickets.CountReportersMentioningAsync("toner is low", "jane", 10, default));
        Assert.Empty(await stores.Tickets.CountReportersMentioningAsync("stapler", "jane", 10, default));
    }

    [SkippableFact]
    public async Task Tickets_stored_without_mention_tokens_are_found_before_and_after_the_backfill_which_writes_each_once()
    {
        var stores = Open();
        var tickets = Enumerable.Range(1, 5).Select(number => NewTicket("HELP", number, "john") with { Description = number % 2 == 0 ? "Call Jane Doe." : "Nobody." }).ToList();
        foreach (var ticket in tickets)
        {
            await stores.Tickets.InsertAsync(ticket, [], null, default);
            await stores.ForgetMentionTokensAsync(ticket.Id);
        }

        Assert.Equal(["HELP-2", "HELP-4"], await MentioningAsync(stores, "jane doe"));
        Assert.Equal(3, await stores.Tickets.IndexMentionsAsync(3, default));
        Assert.Equal(2, await stores.Tickets.IndexMentionsAsync(3, default));
        Assert.Equal(0, await stores.Tickets.IndexMentionsAsync(3, default));
        Assert.Equal(["HELP-2", "HELP-4"], await MentioningAsync(stores, "jane doe"));
        Assert.Equal(tickets.Select(Describe), await Task.WhenAll(tickets.Select(async ticket => Describe((await stores.Tickets.GetAsync(ticket.Id, default))!))));
    }

    private static async Task<IReadOnlyList<string>> MentioningAsync(TicketingStores stores, params string[] texts) =>
        [.. (await stores.Tickets.ListMentioningAsync(texts, default)).Select(ticket => ticket.Id).Order(StringComparer.Ordinal)];

    private static Task<Ticket> InsertNextAsync(TicketingStores stores, string project, string? messageHash = null, string reporter = "jane") =>
        stores.Tickets.InsertNextAsync(
            project,
            number => new NumberedTicket(
                NewTicket(project, number, reporter),
                [Event($"{project} {number} created")],
                messageHash is null ? null : new InboundMail(messageHash, Ticket.IdOf(project, number), IngestOutcome.TicketCreated, LetsCopiesIn: true)),
            default);

    private static ErasedName Kept(string customerId, string needle) => new(
        customerId, TicketingStores.Mentions.QueryTokens(needle)[0], TicketingStores.Mentions.WordTokens(needle), "Former customer 7F3A");

    private static ErasureRecord Removal(string customerId) =>
        new($"request-{customerId}", customerId, $"hash-{customerId}", ErasureMode.Anonymize, ErasureState.Started, new Dictionary<string, long>(), TestData.Now);

    private static TicketComment Comment(string id, string? authorCustomerId) =>
        new(id, authorCustomerId is null ? "agent" : "account", authorCustomerId, "Hello", false, TestData.Now);

    private static Ticket NewTicket(string project, long number, string reporter) =>
        new(Ticket.IdOf(project, number), project, number, $"Summary {number}", "Description", reporter, [], TicketStatus.Open, [], TestData.Now, TestData.Now, 1);

    private static EventContext Handled(string eventId) => new(eventId, "directory", DateTimeOffset.UnixEpoch, "customers", "1-0");

    private static OutgoingEvent Event(string id) => new(id, "tickets", nameof(TicketCreated), []);

    private static string Describe(Ticket ticket) =>
        $"{ticket with { ParticipantIds = [], Comments = [] }} participants=[{string.Join(',', ticket.ParticipantIds)}] comments=[{string.Join(';', ticket.Comments)}]";
}

public sealed class LiteDbTicketingStoreTests() : TicketingStoreContract(TicketingStores.LiteDb)
{
    /// <summary>
    /// A customer's list (their own in the portal, or an agent's filter by reporter) comes through an index not in list
    /// order: LiteDB sorted it with a new 800 KB buffer per query (two for a customer's own), a large object each.
    /// </summary>
    [Fact]
    public async Task A_customers_list_is_read_without_sorting_in_LiteDB()
    {
        var stores = TicketingStores.LiteDb();
        for (var number = 1L; number <= 12; number++)
        {
            await stores.Tickets.InsertAsync(
                new Ticket(Ticket.IdOf("HELP", number), "HELP", number, $"Summary {number}", "Description", number % 3 == 0 ? "jane" : "john",
                    number == 7 ? ["jane"] : [], TicketStatus.Open, [], TestData.Now, TestData.Now, 1),
                [], null, default);
        }

        foreach (var (query, expected) in new[]
        {
            (new TicketQuery("HELP", null, "jane", null, null, 20), new long[] { 12, 9, 6, 3 }),
            (new TicketQuery("HELP", null, null, "jane", 12, 3), new long[] { 9, 7, 6 }),
        })
        {
            await stores.Tickets.ListAsync(query, default);
            var before = GC.GetAllocatedBytesForCurrentThread();
            var listed = stores.Tickets.ListAsync(query, default);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.Equal(expected, (await listed).Select(ticket => ticket.Number));
            Assert.True(allocated < 400_000, $"{query} allocated {allocated:N0} bytes");
        }
    }
}

public sealed class MongoTicketingStoreTests() : TicketingStoreContract(TicketingStores.Mongo);
