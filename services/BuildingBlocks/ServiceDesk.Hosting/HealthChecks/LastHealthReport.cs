using Grpc.HealthCheck;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ServiceDesk.Hosting.HealthChecks;

/// <summary>
/// The health publisher's last report (every <see cref="HealthDefaults.WatchPeriod"/>), for <see cref="ServiceHealth"/>;
/// it publishes each check's status under the check's name for Watch, and logs each check's changes of status, once
/// each: the health check service's own log would say Error every period of an outage, and on every start while a
/// dependency or a start-up step is not ready yet.
/// </summary>
internal sealed partial class LastHealthReport(
    IOptions<HealthCheckServiceOptions> options, HealthServiceImpl watched, TimeProvider time, ILogger<LastHealthReport> logger) : IHealthCheckPublisher
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
            watched.SetStatus(name, StatusOf(name, [entry]));
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
        return StatusOf(service, entries) == ServingStatus.Serving;
    }

    /// <summary>
    /// For the empty name (readiness), as the gRPC health checks package maps results: NOT_SERVING if any check is
    /// unhealthy, so a degraded dependency (the gateway's backend that is down, an event loop failing its rounds) keeps
    /// the replica in rotation. A check asked for by name answers whether that dependency is well: SERVING only while
    /// it is healthy, as the health report shows it. UNKNOWN without checks.
    /// </summary>
    public static ServingStatus StatusOf(string service, IEnumerable<HealthReportEntry> entries) =>
        !entries.Any() ? ServingStatus.Unknown
        : entries.Any(entry => entry.Status == HealthStatus.Unhealthy) ? ServingStatus.NotServing
        : service.Length > 0 && entries.Any(entry => entry.Status != HealthStatus.Healthy) ? ServingStatus.NotServing
        : ServingStatus.Serving;

    [LoggerMessage(Level = LogLevel.Information, Message = "Health check {Check} is {Status} at start: {Reason}")]
    private partial void LogNotReadyAtStart(string check, HealthStatus status, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health check {Check} became {Status}: {Reason}")]
    private partial void LogNotHealthy(string check, HealthStatus status, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Health check {Check} is Healthy")]
    private partial void LogHealthy(string check);
}
