using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ServiceDesk.Hosting.Telemetry;

/// <summary>
/// OpenTelemetry traces and metrics. Off unless <c>Telemetry:Exporter</c> names an exporter: <c>otlp</c>
/// (endpoint from the standard OTEL_EXPORTER_OTLP_* variables) or <c>prometheus</c> (a /metrics scrape
/// endpoint on the HTTP port, metrics only).
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>Our own activity sources and meters are named "ServiceDesk.&lt;Area&gt;".</summary>
    public const string SourcePrefix = "ServiceDesk.";

    internal static TelemetryExporter AddServiceTelemetry(this WebApplicationBuilder builder, string serviceName)
    {
        var configured = builder.Configuration["Telemetry:Exporter"];
        var exporter = string.IsNullOrWhiteSpace(configured) ? TelemetryExporter.None
            : Enum.TryParse<TelemetryExporter>(configured, ignoreCase: true, out var parsed) ? parsed
            : throw new InvalidOperationException($"Telemetry:Exporter '{configured}' is not one of: none, otlp, prometheus.");
        if (exporter == TelemetryExporter.None)
        {
            return exporter;
        }

        var telemetry = builder.Services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(serviceName));
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(SourcePrefix + "*").AddAspNetCoreInstrumentation().AddRuntimeInstrumentation();
            if (exporter == TelemetryExporter.Otlp)
            {
                metrics.AddOtlpExporter();
            }
            else
            {
                metrics.AddPrometheusExporter();
            }
        });
        if (exporter == TelemetryExporter.Otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(SourcePrefix + "*")
                .AddAspNetCoreInstrumentation()
                .AddGrpcClientInstrumentation()
                .AddOtlpExporter());
        }

        return exporter;
    }

    internal static void MapServiceTelemetry(this WebApplication app, TelemetrySettings settings)
    {
        if (settings.Exporter == TelemetryExporter.Prometheus)
        {
            app.MapPrometheusScrapingEndpoint("/metrics");
        }
    }
}

internal enum TelemetryExporter
{
    None,
    Otlp,
    Prometheus,
}

internal sealed record TelemetrySettings(TelemetryExporter Exporter);
