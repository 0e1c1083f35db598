using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Configuration;
using ServiceDesk.Hosting.Endpoints;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Hosting.HealthChecks;
using ServiceDesk.Hosting.Logging;
using ServiceDesk.Hosting.Overload;
using ServiceDesk.Hosting.Startup;
using ServiceDesk.Hosting.Telemetry;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Hosting;

/// <summary>The defaults every service host shares; a service adds its own wiring on top.</summary>
public static class ServiceDefaults
{
    /// <summary>
    /// Levels an operator can leave on: what runs on its own while the service is idle (health probes every
    /// 2 s through HttpClient and gRPC clients, health check runs, request lines naming paths) logs only
    /// when something is wrong; the service's own categories keep Information.
    /// </summary>
    private static readonly Dictionary<string, string?> DefaultLogLevels = new()
    {
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "Warning",
        // It logs every unhealthy result, every period; LastHealthReport logs the changes instead.
        ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService"] = "None",
        ["Logging:LogLevel:Microsoft.Extensions.Http"] = "Warning",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
        ["Logging:LogLevel:Grpc"] = "Warning",
        ["Logging:LogLevel:Polly"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
    };

    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string serviceName)
    {
        builder.Configuration.AddSecretsDirectory();
        builder.Services.AddSingleton(new ServiceInfo(serviceName));
        var endpoints = builder.AddServiceEndpoints();
        builder.AddRedactedLogging();
        builder.AddServiceAuth();
        builder.AddOverloadLimit();

        builder.Services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = endpoints.MaxRequestBytes;
            // No client of ours compresses, and a compressed message is decompressed in memory with no bound but its
            // compressed size: none is taken (MalformedRequestFraming answers one UNIMPLEMENTED before this is reached).
            options.CompressionProviders = [];
            // Outermost first: errors from token validation and request validation are mapped too.
            options.Interceptors.Add<ErrorMappingInterceptor>();
            options.Interceptors.Add<StartupGateInterceptor>();
            options.Interceptors.Add<ConcurrencyLimitInterceptor>();
            options.Interceptors.Add<CallerInterceptor>();
            options.Interceptors.Add<RequestValidationInterceptor>();
        });
        // Resolved, not activated, per call: they keep no per-call state.
        builder.Services.AddSingleton<ErrorMappingInterceptor>();
        builder.Services.AddSingleton<StartupGateInterceptor>();
        builder.Services.AddSingleton<CallerInterceptor>();
        builder.Services.AddSingleton<RequestValidationInterceptor>();
        builder.Services.BindRejectingMalformedRequests();
        builder.Services.AddGrpcReflection();
        builder.Services.AddServiceHealth();
        builder.Services.AddSingleton(new TelemetrySettings(builder.AddServiceTelemetry(serviceName)));
        return builder;
    }

    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        app.UseMalformedRequestFraming();
        app.MapServiceHealth();
        app.MapGrpcReflectionService();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync });
        // Liveness over HTTP for probes that cannot speak gRPC over TLS: answers while the process does.
        app.MapHealthChecks("/livez", new HealthCheckOptions { Predicate = check => check.Name == HealthDefaults.Liveness, ResponseWriter = HealthReportWriter.WriteAsync });
        app.MapServiceTelemetry(app.Services.GetRequiredService<TelemetrySettings>());
        return app;
    }

    /// <summary>
    /// Runs until shutdown; a port already in use, or a file the service cannot open while starting (a LiteDB file another
    /// process holds), ends the process with one clear line, not a stack trace. The log keeps the whole exception. A
    /// stop the service asked for itself, because a background service or a start-up step failed for good, ends it
    /// with exit code 1, so an orchestrator sees a failure and not a clean exit.
    /// </summary>
    public static async Task<int> RunServiceAsync(this WebApplication app)
    {
        var service = app.Services.GetRequiredService<ServiceInfo>().Name;
        if (app.Services.GetRequiredService<BoundEndpoints>().FindPortInUse() is { } busy)
        {
            await Console.Error.WriteLineAsync(
                $"{service}: cannot start: port {busy.Port} ({busy.Name}) is already in use. Stop what holds it or configure another port (Endpoints:GrpcPort, Endpoints:HttpPort).");
            return 2;
        }

        // Read before the run: a host that failed to start is disposed by then, and so are its services.
        var started = app.Lifetime.ApplicationStarted;
        try
        {
            // The host's own instances (singletons), resolved as it would: building one may open a store file.
            var hosted = app.Services.GetServices<IHostedService>().ToArray();
            await app.RunAsync();
            if (Array.Find(hosted, FailedForGood) is { } failed)
            {
                await Console.Error.WriteLineAsync($"{service}: stopped: {failed.GetType().Name} failed; the log holds the exception.");
                return 1;
            }

            return 0;
        }
        catch (IOException exception) when (!started.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"{service}: cannot start: {exception.Message}");
            return 2;
        }
    }

    private static bool FailedForGood(IHostedService work) =>
        work is BackgroundService { ExecuteTask.IsFaulted: true } or StartupStep { Completed.IsFaulted: true };

    private static void AddRedactedLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(options => options.FormatterName = RedactingJsonConsoleFormatter.FormatterName);
        builder.Logging.AddConsoleFormatter<RedactingJsonConsoleFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>();
        // Below every other configuration source: appsettings.json and Logging__LogLevel__<category> override each.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = DefaultLogLevels });
    }
}

/// <summary>The name of the running service ("identity", "directory", ...).</summary>
public sealed record ServiceInfo(string Name);
