using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ServiceDesk.Hosting.HealthChecks;

/// <summary>
/// The health publisher's last report (every <see cref="HealthDefaults.WatchPeriod"/>), for <see cref="ServiceHealth"/>;
/// it logs each check's changes of status, once each: the health check service's own log would say Error every period
/// of an outage, and on every start while a dependency or a start-up step is not ready yet.
/// </summary>
internal sealed partial class LastHealthReport(IOptions<HealthCheckServiceOptions> options, TimeProvider time, ILogger<LastHealthReport> logger) : IHealthCheckPublisher
{
    private readonly HashSet<string> _checkNames = [.. options.Value.Registrations.Select(registration => registration.Name)];
    private volatile Published? _last;

    private sealed record Published(HealthReport Report, DateTimeOffset At);

    public bool IsCheckName(string name) => _checkNames.Contains(name);

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        var previous = _last?.Report;
        foreach (var (name, entry) in report.Entries)
        {
            if (previous is null)
            {
                if (entry.Status != HealthStatus.Healthy)
                {
                    LogNotReadyAtStart(name, entry.Status, Reason(entry));
                }
            }
            else if (!previous.Entries.TryGetValue(name, out var before) || before.Status != entry.Status)
            {
                if (entry.Status == HealthStatus.Healthy)
                {
                    LogHealthy(name);
                }
                else
                {
                    LogNotHealthy(name, entry.Status, Reason(entry));
                }
            }
        }

        _last = new Published(report, time.GetUtcNow());
        return Task.CompletedTask;
    }

    /// <summary>The check's own description; for a check that threw, its exception's type only: the message may quote personal data.</summary>
    private static string Reason(HealthReportEntry entry) =>
        entry.Exception is { } exception && entry.Description == exception.Message ? exception.GetType().Name : entry.Description ?? string.Empty;

    /// <summary>True if a report at most <paramref name="maxAge"/> old says the check named <paramref name="service"/> (every check for "") passes.</summary>
    public bool ServingWithin(string service, TimeSpan maxAge)
    {
        if (_last is not { } last || time.GetUtcNow() - last.At > maxAge)
        {
            return false;
        }

        IEnumerable<HealthReportEntry> entries = service.Length == 0 ? last.Report.Entries.Values
            : last.Report.Entries.TryGetValue(service, out var entry) ? [entry]
            : [];
        return StatusOf(entries) == ServingStatus.Serving;
    }

    /// <summary>As the gRPC health checks package maps results: NOT_SERVING if any check is unhealthy, UNKNOWN without checks.</summary>
    public static ServingStatus StatusOf(IEnumerable<HealthReportEntry> entries) =>
        entries.Any(entry => entry.Status == HealthStatus.Unhealthy) ? ServingStatus.NotServing
        : entries.Any() ? ServingStatus.Serving
        : ServingStatus.Unknown;

    [LoggerMessage(Level = LogLevel.Information, Message = "Health check {Check} is {Status} at start: {Reason}")]
    private partial void LogNotReadyAtStart(string check, HealthStatus status, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health check {Check} became {Status}: {Reason}")]
    private partial void LogNotHealthy(string check, HealthStatus status, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Health check {Check} is Healthy")]
    private partial void LogHealthy(string check);
}
