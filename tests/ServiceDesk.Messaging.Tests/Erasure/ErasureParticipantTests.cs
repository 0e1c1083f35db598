using System.Text;
using Grpc.Health.V1;
using LiteDB;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Storage;
using ServiceDesk.Storage.LiteDb;
using ServiceDesk.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ServiceDesk.Messaging.Tests.Erasure;

[Collection(RedisCollection.Name)]
public sealed class ErasureParticipantTests(RedisFixture redis, ITestOutputHelper output) : ProbeStreamTests(redis)
{
    private const string Marker = "Zanzibar-Quokka";

    [Fact]
    public async Task A_command_erases_the_customer_records_the_request_and_sends_a_receipt_with_the_counts_leaving_no_bytes_in_the_LiteDB_files()
    {
        var dataDirectory = TestDirectory.Create("participant");
        ErasureProbes.SeedNotes(dataDirectory, "cust-1", $"{Marker} one", $"{Marker} two");
        ErasureProbes.SeedNotes(dataDirectory, "cust-2", "kept");
        await using var participant = await ServiceHost.StartAsync(ErasureProbes.Service(new ProbeControl()), ErasureProbes.Settings(RedisConfiguration, Prefix), dataDirectory);

        var command = ErasureProbes.Command("cust-1");
        await ErasureProbes.PublishAsync(participant, command);

        var receipt = (await WaitForReceiptsAsync(1))[0];
        Assert.Equal((command.RequestId, ErasureProbes.Participant, ReceiptOutcome.Succeeded), (receipt.RequestId, receipt.Service, receipt.Outcome));
        Assert.Equal(2, receipt.Counts[ProbeErasure.NotesDeleted]);
        Assert.Empty(receipt.Error);

        var ledger = participant.Services.GetRequiredService<IErasureLedger>();
        var record = await ledger.FindAsync(command.RequestId, CancellationToken.None);
        Assert.Equal((ErasureState.Completed, "cust-1", command.AddressHash, ErasureMode.Anonymize), (record!.State, record.CustomerId, record.AddressHash, record.Mode));
        Assert.Equal(2, record.Counts[ProbeErasure.NotesDeleted]);

        var erased = participant.Services.GetRequiredService<ErasedCustomers>();
        Assert.True(await erased.IsCustomerErasedAsync("cust-1", CancellationToken.None));
        Assert.False(await erased.IsCustomerErasedAsync("cust-2", CancellationToken.None));
        Assert.True(await erased.IsAddressErasedAsync("  CUST-1@Example.COM ", CancellationToken.None));
        Assert.False(await erased.IsAddressErasedAsync("cust-2@example.com", CancellationToken.None));

        // The checkpoint after the erasure moved the deleted pages out of the log file: no byte of the notes remains.
        var files = System.IO.Directory.GetFiles(dataDirectory, "*", SearchOption.AllDirectories);
        output.WriteLine($"scanned {string.Join(", ", files.Select(Path.GetFileName))}");
        Assert.All(files, file => Assert.False(Contains(file, Marker), $"{Path.GetFileName(file)} still holds the erased notes"));
        Assert.True(files.Any(file => Contains(file, "kept")), "the other customer's notes are still stored");
    }

    [Fact]
    public async Task A_command_another_service_than_directory_appended_is_refused_counted_and_erases_nothing()
    {
        var dataDirectory = TestDirectory.Create("participant");
        ErasureProbes.SeedNotes(dataDirectory, "cust-1", "forged away");
        ErasureProbes.SeedNotes(dataDirectory, "cust-2", "really erased");
        await using var participant = await ServiceHost.StartAsync(
            ErasureProbes.Service(new ProbeControl()),
            new Dictionary<string, string?>(ErasureProbes.Settings(RedisConfiguration, Prefix)) { ["Telemetry:Exporter"] = "prometheus" },
            dataDirectory);

        var forged = ErasureProbes.Command("cust-1");
        await ErasureProbes.PublishAsync(participant, forged, asService: ServiceNames.Ticketing);
        var genuine = ErasureProbes.Command("cust-2");
        await ErasureProbes.PublishAsync(participant, genuine);

        // One stream, in order: once the genuine command's receipt is out, the forged one was dealt with.
        var receipts = await WaitForReceiptsAsync(1);
        Assert.Equal([genuine.RequestId], receipts.Select(receipt => receipt.RequestId));
        var erased = participant.Services.GetRequiredService<ErasedCustomers>();
        Assert.False(await erased.IsCustomerErasedAsync("cust-1", CancellationToken.None));
        Assert.Null(await participant.Services.GetRequiredService<IErasureLedger>().FindAsync(forged.RequestId, CancellationToken.None));
        // Refused before any handler: only Directory's key signs the family's entries.
        var dead = await Redis.StreamRangeAsync(new StreamKeys(Prefix, "erasure").DeadLetters(ErasureProbes.Participant));
        Assert.Equal(DeadLetters.Unauthenticated, Assert.Single(dead)[DeadLetters.ErrorField].ToString());
        var metrics = await participant.Http.GetStringAsync("/metrics");
        Assert.Contains(metrics.Split('\n'), line => line.StartsWith("servicedesk_events_unauthenticated_total{", StringComparison.Ordinal)
            && line.Contains("family=\"erasure\"", StringComparison.Ordinal) && line.EndsWith(" 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_completed_request_delivered_again_gets_its_recorded_receipt_without_erasing_again()
    {
        var control = new ProbeControl();
        var dataDirectory = TestDirectory.Create("participant");
        ErasureProbes.SeedNotes(dataDirectory, "cust-1", "a", "b", "c");
        await using var participant = await ServiceHost.StartAsync(ErasureProbes.Service(control), ErasureProbes.Settings(RedisConfiguration, Prefix), dataDirectory);

        var command = ErasureProbes.Command("cust-1");
        await ErasureProbes.PublishAsync(participant, command);
        await WaitForReceiptsAsync(1);
        // The coordinator's retry: the same request as a new event.
        await ErasureProbes.PublishAsync(participant, command);

        var receipts = await WaitForReceiptsAsync(2);
        Assert.All(receipts, r => Assert.Equal((command.RequestId, ReceiptOutcome.Succeeded, 3L), (r.RequestId, r.Outcome, r.Counts[ProbeErasure.NotesDeleted])));
        Assert.Equal(1, control.Erasures);
    }

    [Fact]
    public async Task A_failure_after_erasing_sends_a_failed_receipt_without_personal_data_and_the_retry_reports_the_first_runs_counts()
    {
        var control = new ProbeControl { FailOnceAfterErasing = true };
        var dataDirectory = TestDirectory.Create("participant");
        ErasureProbes.SeedNotes(dataDirectory, "cust-1", "a", "b");
        await using var participant = await ServiceHost.StartAsync(ErasureProbes.Service(control), ErasureProbes.Settings(RedisConfiguration, Prefix), dataDirectory);

        var command = ErasureProbes.Command("cust-1");
        await ErasureProbes.PublishAsync(participant, command);

        var receipts = await WaitForReceiptsAsync(2);
        output.WriteLine(string.Join("\n", receipts.Select(r => $"{r.Outcome}: {r.Error} {r.Counts}")));
        Assert.Equal(ReceiptOutcome.Failed, receipts[0].Outcome);
        Assert.Equal(command.RequestId, receipts[0].RequestId);
        Assert.Contains(nameof(InvalidOperationException), receipts[0].Error, StringComparison.Ordinal);
        Assert.DoesNotContain("cust-1", receipts[0].Error, StringComparison.Ordinal);
        Assert.DoesNotContain("example.com", receipts[0].Error, StringComparison.Ordinal);
        // The retry found nothing left to erase, yet reports what the first run erased.
        Assert.Equal((ReceiptOutcome.Succeeded, 2L), (receipts[1].Outcome, receipts[1].Counts[ProbeErasure.NotesDeleted]));
        Assert.Equal(2, control.Erasures);
    }

    [Fact]
    public async Task A_retry_that_finds_nothing_left_still_leaves_no_byte_of_what_the_failed_run_erased()
    {
        // The failed run deleted the notes and threw before its checkpoint; the retry erases nothing, yet it is not a
        // first run, so it checkpoints: the deleted notes' bytes are gone from the data file and the log.
        var control = new ProbeControl { FailOnceAfterErasing = true };
        var dataDirectory = TestDirectory.Create("participant");
        ErasureProbes.SeedNotes(dataDirectory, "cust-1", $"{Marker} one", $"{Marker} two");
        ErasureProbes.SeedNotes(dataDirectory, "cust-2", "kept");
        await using var participant = await ServiceHost.StartAsync(ErasureProbes.Service(control), ErasureProbes.Settings(RedisConfiguration, Prefix), dataDirectory);

        await ErasureProbes.PublishAsync(participant, ErasureProbes.Command("cust-1"));

        var receipts = await WaitForReceiptsAsync(2);
        Assert.Equal([ReceiptOutcome.Failed, ReceiptOutcome.Succeeded], receipts.Select(receipt => receipt.Outcome));
        var files = System.IO.Directory.GetFiles(dataDirectory, "*", SearchOption.AllDirectories);
        Assert.All(files, file => Assert.False(Contains(file, Marker), $"{Path.GetFileName(file)} still holds the erased notes"));
        Assert.True(files.Any(file => Contains(file, "kept")), "the other customer's notes are still stored");
    }

    [Fact]
    public async Task Commands_read_in_one_batch_are_carried_out_concurrently_each_once_with_one_receipt_leaving_no_bytes()
    {
        const int Customers = 3;
        var dataDirectory = SeedMarkedCustomers("concurrent", Customers);
        var control = new ProbeControl { Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var participant = await ServiceHost.StartAsync(ErasureProbes.Service(control), ErasureProbes.Settings(RedisConfiguration, Prefix), dataDirectory);
        // LiteDB maps a type on its first use, and not safely from several threads at once: the probe's notes are
        // mapped here, before three erasures count them at once (one of them failed and waited for its retry on CI).
        Assert.Equal(1, ProbeErasure.Notes(participant.Services.GetRequiredService<LiteDatabase>()).Count(note => note.CustomerId == "cust-0"));

        // Appended in one Redis transaction, so the consumer reads them in one batch.
        var commands = Enumerable.Range(0, Customers).Select(i => ErasureProbes.Command($"cust-{i}")).ToList();
        await ErasureProbes.AppendTogetherAsync(participant, Redis, commands);

        // Handled one at a time, the first would hold the others back for good.
        await Eventually.WaitForAsync(() => Task.FromResult(control.Held), held => held == Customers, "every command's erasure to run at once");
        control.Hold.SetResult();

        var receipts = await WaitForReceiptsAsync(Customers);
        Assert.Equal(
            commands.Select(command => (command.RequestId, 1L)).OrderBy(receipt => receipt.RequestId, StringComparer.Ordinal),
            receipts.Select(receipt => (receipt.RequestId, receipt.Counts[ProbeErasure.NotesDeleted])).OrderBy(receipt => receipt.RequestId, StringComparer.Ordinal));
        Assert.Equal(Customers, control.Erasures);
        await Eventually.WaitForAsync(
            async () => (await Redis.StreamPendingAsync(new StreamKeys(Prefix, "erasure").Stream, ErasureProbes.Participant)).PendingMessageCount,
            pending => pending == 0,
            "the commands to be acknowledged");
        var files = System.IO.Directory.GetFiles(dataDirectory, "*", SearchOption.AllDirectories);
        Assert.All(files, file => Assert.False(Contains(file, Marker), $"{Path.GetFileName(file)} still holds erased notes"));
        Assert.True(files.Any(file => Contains(file, "kept")), "the other customer's notes are still stored");
    }

    [Fact]
    public async Task Erasures_sharing_one_checkpoint_each_return_only_once_their_deleted_bytes_are_gone()
    {
        const int Erasures = 8;
        var dataDirectory = SeedMarkedCustomers("checkpoint", Erasures);
        using var database = LiteDbFiles.Open(new StorageOptions { DataDirectory = dataDirectory }, ErasureProbes.Participant);
        var checkpoint = new ErasureCheckpoint(database);
        // LiteDB maps a type on its first use, and not safely from several threads at once.
        Assert.Equal(1, ProbeErasure.Notes(database).Count(note => note.CustomerId == "cust-0"));
        using var start = new ManualResetEventSlim();
        var erasures = Enumerable.Range(0, Erasures).Select(i => Task.Run(async () =>
        {
            var customerId = $"cust-{i}";
            start.Wait();
            ProbeErasure.Notes(database).DeleteMany(note => note.CustomerId == customerId);
            await checkpoint.RunAsync(CancellationToken.None);
            // Read before the others may have finished: a caller that returned early relied on a checkpoint that covered it.
            return System.IO.Directory.GetFiles(dataDirectory).Where(file => Contains(file, $"{Marker}-{i:D2}")).ToList();
        })).ToList();
        start.Set();

        Assert.All(await Task.WhenAll(erasures), left => Assert.Empty(left));
        Assert.True(System.IO.Directory.GetFiles(dataDirectory).Any(file => Contains(file, "kept")), "the other customer's notes are still stored");
    }

    /// <summary>A command for the customer carried out by a participant of its own (then stopped) and acknowledged: long past in the stream.</summary>
    private async Task<CustomerErasureRequested> ErasedAndAcknowledgedAsync(string customerId)
    {
        var command = ErasureProbes.Command(customerId);
        await using var participant = await ServiceHost.StartAsync(ErasureProbes.Service(new ProbeControl()), ErasureProbes.Settings(RedisConfiguration, Prefix), TestDirectory.Create("participant"));
        await ErasureProbes.PublishAsync(participant, command);
        await WaitForReceiptsAsync(1);
        await Eventually.WaitForAsync(
            async () => (await Redis.StreamPendingAsync(new StreamKeys(Prefix, "erasure").Stream, ErasureProbes.Participant)).PendingMessageCount,
            pending => pending == 0,
            "the command to be acknowledged");
        return command;
    }

    [Fact]
    public async Task A_store_restored_from_an_old_backup_re_applies_the_erasures_it_missed_before_it_reports_ready()
    {
        var command = await ErasedAndAcknowledgedAsync("cust-1");

        // The backup: taken before the erasure, so it holds the customer's notes and no ledger entry.
        var restored = TestDirectory.Create("restored");
        ErasureProbes.SeedNotes(restored, "cust-1", Marker);
        var control = new ProbeControl { Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var restarted = await ServiceHost.StartAsync(ErasureProbes.Service(control), ErasureProbes.Settings(RedisConfiguration, Prefix), restored);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await restarted.HealthAsync(ErasureReplay.HealthCheckName));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await restarted.HealthAsync());
        control.Hold.SetResult();

        await Eventually.WaitForAsync(
            () => restarted.HealthAsync(ErasureReplay.HealthCheckName), status => status == HealthCheckResponse.Types.ServingStatus.Serving, "the replay to finish");
        var record = await restarted.Services.GetRequiredService<IErasureLedger>().FindAsync(command.RequestId, CancellationToken.None);
        Assert.Equal(ErasureState.Completed, record!.State);
        Assert.Equal(1, control.Erasures);
        var receipts = await WaitForReceiptsAsync(2);
        Assert.Equal((command.RequestId, ReceiptOutcome.Succeeded, 1L), (receipts[1].RequestId, receipts[1].Outcome, receipts[1].Counts[ProbeErasure.NotesDeleted]));
        Assert.All(System.IO.Directory.GetFiles(restored), file => Assert.False(Contains(file, Marker), $"{Path.GetFileName(file)} still holds the erased notes"));
    }

    /// <summary>
    /// A restored store whose replay of a request fails: the coordinator holds the request completed (this service's
    /// receipt came before the restore) and retries only an open one, so the replay itself runs again, the service
    /// refusing every call meanwhile; it used to serve the restored copy from the moment of the failure.
    /// </summary>
    [Fact]
    public async Task A_replay_that_fails_keeps_the_service_unready_and_runs_again_until_the_request_is_erased()
    {
        var command = await ErasedAndAcknowledgedAsync("cust-1");
        var restored = TestDirectory.Create("restored");
        ErasureProbes.SeedNotes(restored, "cust-1", Marker);
        var control = new ProbeControl { FailOnceBeforeErasing = true };

        await using var restarted = await ServiceHost.StartAsync(ErasureProbes.Service(control), ErasureProbes.Settings(RedisConfiguration, Prefix), restored);

        await Eventually.WaitForAsync(
            () => restarted.HealthAsync(ErasureReplay.HealthCheckName), status => status == HealthCheckResponse.Types.ServingStatus.Serving, "the replay to finish");
        Assert.Equal(2, control.Erasures);
        Assert.Equal(ErasureState.Completed, (await restarted.Services.GetRequiredService<IErasureLedger>().FindAsync(command.RequestId, CancellationToken.None))!.State);
        Assert.Equal(0, ProbeErasure.Notes(restarted.Services.GetRequiredService<LiteDatabase>()).Count(note => note.CustomerId == "cust-1"));
    }

    /// <summary>
    /// A request the ledger holds only started (the service killed between recording it and erasing, or a backup taken
    /// in that moment), whose stream entry was acknowledged long ago: the replay at start finishes it.
    /// </summary>
    [Fact]
    public async Task A_request_the_ledger_holds_only_started_is_finished_by_the_replay_at_start()
    {
        var command = await ErasedAndAcknowledgedAsync("cust-1");

        // The store as a kill left it: the request recorded as started, the customer's notes not yet erased.
        var cutShort = TestDirectory.Create("cut-short");
        ErasureProbes.SeedNotes(cutShort, "cust-1", Marker);
        using (var database = LiteDbFiles.Open(new StorageOptions { DataDirectory = cutShort }, ErasureProbes.Participant))
        {
            var scope = ErasureScope.From(command);
            await new LiteDbErasureLedger(database, new LiteDbOutboxStore(database)).StartAsync(
                new ErasureRecord(scope.RequestId, scope.CustomerId, scope.AddressHash, scope.Mode, ErasureState.Started, new Dictionary<string, long>(), DateTimeOffset.UtcNow),
                CancellationToken.None);
        }

        var control = new ProbeControl();
        await using var restarted = await ServiceHost.StartAsync(ErasureProbes.Service(control), ErasureProbes.Settings(RedisConfiguration, Prefix), cutShort);

        await Eventually.WaitForAsync(
            () => restarted.HealthAsync(ErasureReplay.HealthCheckName), status => status == HealthCheckResponse.Types.ServingStatus.Serving, "the replay to finish");
        Assert.Equal(ErasureState.Completed, (await restarted.Services.GetRequiredService<IErasureLedger>().FindAsync(command.RequestId, CancellationToken.None))!.State);
        Assert.Equal(1, control.Erasures);
        Assert.All(System.IO.Directory.GetFiles(cutShort), file => Assert.False(Contains(file, Marker), $"{Path.GetFileName(file)} still holds the erased notes"));
    }

    [Fact]
    public async Task A_reinstatement_from_directory_lifts_every_address_of_the_request_and_one_another_service_appended_is_refused()
    {
        await using var participant = await ServiceHost.StartAsync(ErasureProbes.Service(new ProbeControl()), ErasureProbes.Settings(RedisConfiguration, Prefix));
        var erased = participant.Services.GetRequiredService<ErasedCustomers>();
        var command = ErasureProbes.Command("cust-1");
        command.FormerAddressHashes.Add(erased.HashAddress("cust-1@old.example"));
        await ErasureProbes.PublishAsync(participant, command);
        await WaitForReceiptsAsync(1);
        Assert.True(await erased.IsAddressErasedAsync("CUST-1@old.example", CancellationToken.None));
        Assert.True(await erased.IsAddressErasedAsync("cust-1@example.com", CancellationToken.None));

        await ErasureProbes.PublishAsync(participant, new ErasedAddressesReinstated { RequestId = command.RequestId }, asService: ServiceNames.Ticketing);
        await Eventually.WaitForAsync(
            () => Redis.StreamRangeAsync(new StreamKeys(Prefix, "erasure").DeadLetters(ErasureProbes.Participant)),
            dead => dead.Any(entry => entry[DeadLetters.ErrorField] == DeadLetters.Unauthenticated),
            "the forged reinstatement to be refused");
        Assert.True(await erased.IsAddressErasedAsync("cust-1@old.example", CancellationToken.None));

        await ErasureProbes.PublishAsync(participant, new ErasedAddressesReinstated { RequestId = command.RequestId });
        await Eventually.WaitForAsync(() => erased.IsAddressErasedAsync("cust-1@example.com", CancellationToken.None), erased => !erased, "the address to be reinstated");
        Assert.False(await erased.IsAddressErasedAsync("cust-1@old.example", CancellationToken.None));
        Assert.True(await erased.IsCustomerErasedAsync("cust-1", CancellationToken.None));
    }

    [Fact]
    public async Task A_store_restored_from_an_old_backup_re_applies_the_reinstatements_it_missed_before_it_reports_ready()
    {
        var command = ErasureProbes.Command("cust-1");
        await using (var participant = await ServiceHost.StartAsync(ErasureProbes.Service(new ProbeControl()), ErasureProbes.Settings(RedisConfiguration, Prefix)))
        {
            await ErasureProbes.PublishAsync(participant, command);
            await WaitForReceiptsAsync(1);
            await ErasureProbes.PublishAsync(participant, new ErasedAddressesReinstated { RequestId = command.RequestId });
            var erased = participant.Services.GetRequiredService<ErasedCustomers>();
            await Eventually.WaitForAsync(() => erased.IsAddressErasedAsync("cust-1@example.com", CancellationToken.None), erased => !erased, "the address to be reinstated");
            await Eventually.WaitForAsync(
                async () => (await Redis.StreamPendingAsync(new StreamKeys(Prefix, "erasure").Stream, ErasureProbes.Participant)).PendingMessageCount,
                pending => pending == 0,
                "both entries to be acknowledged");
        }

        // The backup: taken before the removal, so its ledger knows neither the request nor its reinstatement.
        await using var restarted = await ServiceHost.StartAsync(ErasureProbes.Service(new ProbeControl()), ErasureProbes.Settings(RedisConfiguration, Prefix), TestDirectory.Create("restored"));
        await Eventually.WaitForAsync(
            () => restarted.HealthAsync(ErasureReplay.HealthCheckName), status => status == HealthCheckResponse.Types.ServingStatus.Serving, "the replay to finish");

        var restoredErased = restarted.Services.GetRequiredService<ErasedCustomers>();
        Assert.True(await restoredErased.IsCustomerErasedAsync("cust-1", CancellationToken.None));
        Assert.False(await restoredErased.IsAddressErasedAsync("cust-1@example.com", CancellationToken.None));
        Assert.Contains("1 reinstatements recorded", restarted.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_erasure_stream_keeps_its_history_after_every_group_acknowledged_it()
    {
        await using var participant = await ServiceHost.StartAsync(ErasureProbes.Service(new ProbeControl()), ErasureProbes.Settings(RedisConfiguration, Prefix));
        await ErasureProbes.PublishAsync(participant, ErasureProbes.Command("cust-1"));
        await ErasureProbes.PublishAsync(participant, ErasureProbes.Command("cust-2"));
        await WaitForReceiptsAsync(2);
        var stream = new StreamKeys(Prefix, "erasure").Stream;
        await Eventually.WaitForAsync(
            async () => (await Redis.StreamPendingAsync(stream, ErasureProbes.Participant)).PendingMessageCount, pending => pending == 0, "both commands to be acknowledged");

        Assert.Equal(0, await participant.Services.GetRequiredService<EventStreams>().TrimAcknowledgedAsync("erasure"));
        Assert.Equal(2, await Redis.StreamLengthAsync(stream));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not base64!")]
    [InlineData("c2hvcnQ=")]
    public async Task A_missing_or_malformed_pepper_stops_the_start_naming_the_setting(string? pepper)
    {
        var settings = new Dictionary<string, string?>(ErasureProbes.Settings(RedisConfiguration, Prefix)) { [TombstonePepper.Setting] = pepper };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServiceHost.StartAsync(ErasureProbes.Service(new ProbeControl()), settings));

        Assert.Contains("Erasure:TombstonePepper", error.Message, StringComparison.Ordinal);
    }

    private Task<IReadOnlyList<ErasureReceipt>> WaitForReceiptsAsync(int count) =>
        Eventually.WaitForAsync(() => ErasureProbes.ReceiptsAsync(Redis, Prefix), receipts => receipts.Count >= count, $"{count} receipts");

    /// <summary>A data directory where customers cust-0 … cust-(count - 1) have a note "{Marker}-NN" each and cust-kept a note "kept".</summary>
    private static string SeedMarkedCustomers(string name, int count)
    {
        var dataDirectory = TestDirectory.Create(name);
        for (var i = 0; i < count; i++)
        {
            ErasureProbes.SeedNotes(dataDirectory, $"cust-{i}", $"{Marker}-{i:D2}");
        }

        ErasureProbes.SeedNotes(dataDirectory, "cust-kept", "kept");
        return dataDirectory;
    }

    private static bool Contains(string file, string text)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray().AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
    }
}
