using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Directory.Customers;
using ServiceDesk.Directory.Erasure;
using ServiceDesk.Directory.Keys;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Directory.Tests.Erasure;

/// <summary>The gauge operators alert on, read as a metrics exporter reads it, over a real LiteDB store.</summary>
public sealed class OverdueGaugeTests
{
    [Fact]
    public async Task The_overdue_gauge_counts_the_open_requests_past_their_due_date_and_no_others()
    {
        using var database = StoreBackends.NewLiteDatabase();
        var outbox = new LiteDbOutboxStore(database);
        var store = new LiteDbErasureStore(
            database, new LiteDbCustomerStore(database, outbox, TestData.Pepper), new LiteDbCustomerKeyStore(database, TestKeyProtection.Wrapper, TimeProvider.System), outbox,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<LiteDbErasureStore>.Instance);
        var now = DateTimeOffset.UtcNow;
        var requests = new[]
        {
            Request(now.AddDays(-40), ErasureStatus.AwaitingApproval),
            Request(now.AddDays(-31), ErasureStatus.InProgress),
            Request(now.AddDays(-29), ErasureStatus.InProgress),
            Request(now.AddDays(-45), ErasureStatus.Completed),
            Request(now.AddDays(-35), ErasureStatus.Rejected),
        };
        foreach (var request in requests)
        {
            Assert.True(await store.InsertAwaitingAsync(request, CancellationToken.None));
        }

        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        long? observed = null;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, subscriber) =>
            {
                if (instrument.Meter.Scope == meters && instrument is { Name: "servicedesk.erasure.overdue", Meter.Name: OverdueErasures.MeterName })
                {
                    subscriber.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => observed = value);
        listener.Start();
        using var gauge = new OverdueErasures(store, new ErasureSettings(ErasureSettings.DefaultParticipantTimeout), TimeProvider.System, meters, NullLogger<OverdueErasures>.Instance);
        await gauge.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.WaitForAsync(
                () =>
                {
                    listener.RecordObservableInstruments();
                    return Task.FromResult(observed);
                },
                count => count == 2,
                "the gauge to count the two open requests past their due date");
        }
        finally
        {
            await gauge.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// Per service, the requests under way it has left pending past the participant timeout: what the request's 30-day
    /// gauge shows only a month later, and what a dead-lettered or never-read command looks like.
    /// </summary>
    [Fact]
    public async Task The_participant_gauge_counts_per_service_the_requests_it_left_pending_past_the_timeout()
    {
        using var database = StoreBackends.NewLiteDatabase();
        var outbox = new LiteDbOutboxStore(database);
        var store = new LiteDbErasureStore(
            database, new LiteDbCustomerStore(database, outbox, TestData.Pepper), new LiteDbCustomerKeyStore(database, TestKeyProtection.Wrapper, TimeProvider.System), outbox,
            NullLogger<LiteDbErasureStore>.Instance);
        var now = DateTimeOffset.UtcNow;
        ErasureRecord UnderWay(ErasureStatus status, params (string Service, ParticipantState State, TimeSpan Ago)[] participants) =>
            Request(now.AddDays(-1), status) with
            {
                Participants = [.. participants.Select(p => new ParticipantRecord(p.Service, p.State, new Dictionary<string, long>(), null, now - p.Ago))],
            };
        var requests = new[]
        {
            UnderWay(ErasureStatus.InProgress, ("identity", ParticipantState.Done, TimeSpan.FromHours(1)), ("ticketing", ParticipantState.Pending, TimeSpan.FromMinutes(20)), ("notification", ParticipantState.Pending, TimeSpan.FromMinutes(5))),
            UnderWay(ErasureStatus.Failed, ("identity", ParticipantState.Failed, TimeSpan.FromHours(2)), ("ticketing", ParticipantState.Pending, TimeSpan.FromHours(2))),
            UnderWay(ErasureStatus.AwaitingApproval, ("ticketing", ParticipantState.Pending, TimeSpan.FromDays(3)), ("notification", ParticipantState.Pending, TimeSpan.FromDays(3))),
            UnderWay(ErasureStatus.Completed, ("notification", ParticipantState.Done, TimeSpan.FromDays(3))),
        };
        foreach (var request in requests)
        {
            Assert.True(await store.InsertAwaitingAsync(request, CancellationToken.None));
        }

        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var observed = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, subscriber) =>
            {
                if (instrument.Meter.Scope == meters && instrument is { Name: "servicedesk.erasure.participants_overdue", Meter.Name: OverdueErasures.MeterName })
                {
                    subscriber.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => observed[(string)tags.ToArray().Single(tag => tag.Key == "service").Value!] = value);
        listener.Start();
        using var gauge = new OverdueErasures(store, new ErasureSettings(TimeSpan.FromMinutes(15)), TimeProvider.System, meters, NullLogger<OverdueErasures>.Instance);
        await gauge.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.WaitForAsync(
                () =>
                {
                    listener.RecordObservableInstruments();
                    return Task.FromResult(observed.GetValueOrDefault("ticketing"));
                },
                count => count == 2,
                "the gauge to count ticketing's two requests pending past the timeout");
        }
        finally
        {
            await gauge.StopAsync(CancellationToken.None);
        }

        Assert.Equal(
            new Dictionary<string, long> { ["identity"] = 0, ["directory"] = 0, ["ticketing"] = 2, ["notification"] = 0 },
            observed.ToDictionary());
    }

    private static ErasureRecord Request(DateTimeOffset receivedAt, ErasureStatus status) => new(
        Guid.CreateVersion7(receivedAt).ToString("N"), TestData.Id(), null, ErasureMode.Anonymize, ErasureReason.CustomerRequest, null, "account", null,
        status, receivedAt, receivedAt + ErasureRecord.TimeToComply, null, [ParticipantRecord.Pending("identity", receivedAt)], receivedAt, Version: 1);
}
