using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ServiceDesk.Directory.Erasure;

/// <summary>
/// Meter "ServiceDesk.Directory.Erasure", counted every minute for operators to alert on: gauge
/// <c>servicedesk.erasure.overdue</c>, open removal requests past their due date (30 days after receipt), and gauge
/// <c>servicedesk.erasure.participants_overdue</c> per participating <c>service</c>, the requests under way that service
/// has left pending longer than Erasure:ParticipantTimeout (the participants GetErasure shows overdue).
/// </summary>
public sealed class OverdueErasures : BackgroundService
{
    public const string MeterName = "ServiceDesk.Directory.Erasure";

    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly IErasureStore _store;
    private readonly TimeSpan _participantTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger<OverdueErasures> _logger;
    private long _overdue;

    // Every participant from the start, at 0: an alert on the series holds before anything was ever overdue.
    private IReadOnlyDictionary<string, long> _participantsOverdue = ErasureRecord.ParticipantServices.ToDictionary(service => service, _ => 0L);

    public OverdueErasures(IErasureStore store, ErasureSettings settings, TimeProvider time, IMeterFactory meters, ILogger<OverdueErasures> logger)
    {
        _store = store;
        _participantTimeout = settings.ParticipantTimeout;
        _time = time;
        _logger = logger;
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge(
            "servicedesk.erasure.overdue", () => Interlocked.Read(ref _overdue), description: "Removal requests not complete 30 days after receipt.");
        meter.CreateObservableGauge(
            "servicedesk.erasure.participants_overdue",
            () => Volatile.Read(ref _participantsOverdue).Select(pair => new Measurement<long>(pair.Value, new KeyValuePair<string, object?>("service", pair.Key))),
            description: "Removal requests under way whose service has sent no receipt within Erasure:ParticipantTimeout.");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        do
        {
            try
            {
                var now = _time.GetUtcNow();
                Interlocked.Exchange(ref _overdue, await _store.CountOverdueAsync(now, stoppingToken));
                var underWay = await _store.ListUnderWayAsync(stoppingToken);
                Volatile.Write(ref _participantsOverdue, ErasureRecord.ParticipantServices.ToDictionary(
                    service => service,
                    service => (long)underWay.Count(request => request.Participant(service) is { } participant && request.IsParticipantOverdue(participant, now - _participantTimeout))));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                _logger.LogWarning(exception, "Counting overdue erasure requests failed; the gauges keep their last values");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
