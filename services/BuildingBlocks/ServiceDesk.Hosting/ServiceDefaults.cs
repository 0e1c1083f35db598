using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Configuration;
using ServiceDesk.Hosting.Endpoints;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Hosting.HealthChecks;
using ServiceDesk.Hosting.Logging;
using ServiceDesk.Hosting.Telemetry;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Hosting;

/// <summary>The defaults every service host shares; a service adds its own wiring on top.</summary>
public static class ServiceDefaults
{
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string serviceName)
    {
        builder.Configuration.AddSecretsDirectory();
        builder.Services.AddSingleton(new ServiceInfo(serviceName));
        builder.AddServiceEndpoints();
        builder.AddRedactedLogging();
        builder.AddServiceAuth();

        builder.Services.AddGrpc(options =>
        {
            // Outermost first: errors from token validation and request validation are mapped too.
            options.Interceptors.Add<ErrorMappingInterceptor>();
            options.Interceptors.Add<CallerInterceptor>();
            options.Interceptors.Add<RequestValidationInterceptor>();
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddServiceHealth();
        builder.Services.AddSingleton(new TelemetrySettings(builder.AddServiceTelemetry(serviceName)));
        return builder;
    }

    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync });
        // Liveness over HTTP for probes that cannot speak gRPC over TLS: answers while the process does.
        app.MapHealthChecks("/livez", new HealthCheckOptions { Predicate = check => check.Name == HealthDefaults.Liveness, ResponseWriter = HealthReportWriter.WriteAsync });
        app.MapServiceTelemetry(app.Services.GetRequiredService<TelemetrySettings>());
        return app;
    }

    /// <summary>Runs until shutdown; a port already in use ends the process with one clear line, not a stack trace.</summary>
    public static async Task<int> RunServiceAsync(this WebApplication app)
    {
        var service = app.Services.GetRequiredService<ServiceInfo>().Name;
        if (app.Services.GetRequiredService<BoundEndpoints>().FindPortInUse() is { } busy)
        {
            await Console.Error.WriteLineAsync(
                $"{service}: cannot start: port {busy.Port} ({busy.Name}) is already in use. Stop what holds it or configure another port (Endpoints:GrpcPort, Endpoints:HttpPort).");
            return 2;
        }

        await app.RunAsync();
        return 0;
    }

    private static void AddRedactedLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(options => options.FormatterName = RedactingJsonConsoleFormatter.FormatterName);
        builder.Logging.AddConsoleFormatter<RedactingJsonConsoleFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>();
        // Request lines name paths and query strings; they add nothing an operator needs per request.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
        builder.Logging.AddFilter("Grpc.AspNetCore.Server.ServerCallHandler", LogLevel.Warning);
    }
}

/// <summary>The name of the running service ("identity", "directory", ...).</summary>
public sealed record ServiceInfo(string Name);
