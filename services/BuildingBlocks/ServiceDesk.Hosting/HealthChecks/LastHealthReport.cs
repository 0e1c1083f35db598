using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ServiceDesk.Hosting.HealthChecks;

/// <summary>The health publisher's last report (every <see cref="HealthDefaults.WatchPeriod"/>), for <see cref="ServiceHealth"/>.</summary>
internal sealed class LastHealthReport(IOptions<HealthCheckServiceOptions> options, TimeProvider time) : IHealthCheckPublisher
{
    private readonly HashSet<string> _checkNames = [.. options.Value.Registrations.Select(registration => registration.Name)];
    private volatile Published? _last;

    private sealed record Published(HealthReport Report, DateTimeOffset At);

    public bool IsCheckName(string name) => _checkNames.Contains(name);

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        _last = new Published(report, time.GetUtcNow());
        return Task.CompletedTask;
    }

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
}
