using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ServiceDesk.Directory.Erasure;

/// <summary>
/// Meter "ServiceDesk.Directory.Erasure", gauge <c>servicedesk.erasure.overdue</c>: open removal requests past
/// their due date (30 days after receipt), counted every minute, for operators to alert on.
/// </summary>
public sealed class OverdueErasures : BackgroundService
{
    public const string MeterName = "ServiceDesk.Directory.Erasure";

    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly IErasureStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<OverdueErasures> _logger;
    private long _overdue;

    public OverdueErasures(IErasureStore store, TimeProvider time, IMeterFactory meters, ILogger<OverdueErasures> logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        meters.Create(MeterName).CreateObservableGauge(
            "servicedesk.erasure.overdue", () => Interlocked.Read(ref _overdue), description: "Removal requests not complete 30 days after receipt.");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        do
        {
            try
            {
                Interlocked.Exchange(ref _overdue, await _store.CountOverdueAsync(_time.GetUtcNow(), stoppingToken));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                _logger.LogWarning(exception, "Counting overdue erasure requests failed; the gauge keeps its last value");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
