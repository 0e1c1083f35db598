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
        using var gauge = new OverdueErasures(store, TimeProvider.System, meters, NullLogger<OverdueErasures>.Instance);
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

    private static ErasureRecord Request(DateTimeOffset receivedAt, ErasureStatus status) => new(
        Guid.CreateVersion7(receivedAt).ToString("N"), TestData.Id(), null, ErasureMode.Anonymize, ErasureReason.CustomerRequest, null, "account", null,
        status, receivedAt, receivedAt + ErasureRecord.TimeToComply, null, [ParticipantRecord.Pending("identity", receivedAt)], receivedAt, Version: 1);
}
