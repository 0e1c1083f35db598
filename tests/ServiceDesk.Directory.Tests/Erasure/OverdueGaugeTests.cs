using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using LiteDB;
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

/// <summary>The gauges operators alert on, read as a metrics exporter reads them, over a real LiteDB store.</summary>
public sealed class OverdueGaugeTests
{
    [Fact]
    public async Task The_overdue_gauge_counts_the_open_requests_past_their_due_date_and_no_others()
    {
        using var database = StoreBackends.NewLiteDatabase();
        var store = await StoreOfAsync(
            database,
            Request(DateTimeOffset.UtcNow.AddDays(-40), ErasureStatus.AwaitingApproval),
            Request(DateTimeOffset.UtcNow.AddDays(-31), ErasureStatus.InProgress),
            Request(DateTimeOffset.UtcNow.AddDays(-29), ErasureStatus.InProgress),
            Request(DateTimeOffset.UtcNow.AddDays(-45), ErasureStatus.Completed),
            Request(DateTimeOffset.UtcNow.AddDays(-35), ErasureStatus.Rejected));

        await ObserveAsync(
            store, ErasureSettings.DefaultParticipantTimeout, "servicedesk.erasure.overdue", observed => observed.GetValueOrDefault("") == 2,
            "the gauge to count the two open requests past their due date");
    }

    /// <summary>
    /// Per service, the requests under way it has left pending past the participant timeout: what the request's 30-day
    /// gauge shows only a month later, and what a dead-lettered or never-read command looks like.
    /// </summary>
    [Fact]
    public async Task The_participant_gauge_counts_per_service_the_requests_it_left_pending_past_the_timeout()
    {
        using var database = StoreBackends.NewLiteDatabase();
        var now = DateTimeOffset.UtcNow;
        ErasureRecord UnderWay(ErasureStatus status, params (string Service, ParticipantState State, TimeSpan Ago)[] participants) =>
            Request(now.AddDays(-1), status) with
            {
                Participants = [.. participants.Select(p => new ParticipantRecord(p.Service, p.State, new Dictionary<string, long>(), null, now - p.Ago))],
            };
        var store = await StoreOfAsync(
            database,
            UnderWay(ErasureStatus.InProgress, ("identity", ParticipantState.Done, TimeSpan.FromHours(1)), ("ticketing", ParticipantState.Pending, TimeSpan.FromMinutes(20)), ("notification", ParticipantState.Pending, TimeSpan.FromMinutes(5))),
            UnderWay(ErasureStatus.Failed, ("identity", ParticipantState.Failed, TimeSpan.FromHours(2)), ("ticketing", ParticipantState.Pending, TimeSpan.FromHours(2))),
            UnderWay(ErasureStatus.AwaitingApproval, ("ticketing", ParticipantState.Pending, TimeSpan.FromDays(3)), ("notification", ParticipantState.Pending, TimeSpan.FromDays(3))),
            UnderWay(ErasureStatus.Completed, ("notification", ParticipantState.Done, TimeSpan.FromDays(3))));

        var observed = await ObserveAsync(
            store, TimeSpan.FromMinutes(15), "servicedesk.erasure.participants_overdue", observed => observed.GetValueOrDefault("ticketing") == 2,
            "the gauge to count ticketing's two requests pending past the timeout");

        Assert.Equal(new Dictionary<string, long> { ["identity"] = 0, ["directory"] = 0, ["ticketing"] = 2, ["notification"] = 0 }, observed);
    }

    private static async Task<LiteDbErasureStore> StoreOfAsync(LiteDatabase database, params ErasureRecord[] requests)
    {
        var outbox = new LiteDbOutboxStore(database);
        var store = new LiteDbErasureStore(
            database, new LiteDbCustomerStore(database, outbox, TestData.Pepper), new LiteDbCustomerKeyStore(database, TestKeyProtection.Wrapper, TimeProvider.System), outbox,
            NullLogger<LiteDbErasureStore>.Instance);
        foreach (var request in requests)
        {
            Assert.True(await store.InsertAwaitingAsync(request, CancellationToken.None));
        }

        return store;
    }

    /// <summary>Runs the gauges until <paramref name="instrument"/>'s values, by their "service" tag ("" without one), satisfy <paramref name="done"/>.</summary>
    private static async Task<Dictionary<string, long>> ObserveAsync(
        IErasureStore store, TimeSpan participantTimeout, string instrument, Func<IReadOnlyDictionary<string, long>, bool> done, string waitingFor)
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var observed = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (published, subscriber) =>
            {
                if (published.Meter.Scope == meters && published.Name == instrument && published.Meter.Name == OverdueErasures.MeterName)
                {
                    subscriber.EnableMeasurementEvents(published);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            observed[tags.ToArray().FirstOrDefault(tag => tag.Key == "service").Value as string ?? string.Empty] = value);
        listener.Start();
        using var gauge = new OverdueErasures(store, new ErasureSettings(participantTimeout), TimeProvider.System, meters, NullLogger<OverdueErasures>.Instance);
        await gauge.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.WaitForAsync(
                () =>
                {
                    listener.RecordObservableInstruments();
                    return Task.FromResult(done(observed));
                },
                satisfied => satisfied,
                waitingFor);
        }
        finally
        {
            await gauge.StopAsync(CancellationToken.None);
        }

        return observed.ToDictionary();
    }

    private static ErasureRecord Request(DateTimeOffset receivedAt, ErasureStatus status) => new(
        Guid.CreateVersion7(receivedAt).ToString("N"), TestData.Id(), null, ErasureMode.Anonymize, ErasureReason.CustomerRequest, null, "account", null,
        status, receivedAt, receivedAt + ErasureRecord.TimeToComply, null, [ParticipantRecord.Pending("identity", receivedAt)], receivedAt, Version: 1);
}
