using System.Text.Json.Serialization;
using Grpc.Health.V1;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.FileProviders;
using Scalar.AspNetCore;
using ServiceDesk.Gateway.Api;
using ServiceDesk.Gateway.Backends;
using ServiceDesk.Gateway.HealthChecks;
using ServiceDesk.Gateway.Problems;
using ServiceDesk.Gateway.Security;
using ServiceDesk.Gateway.Sessions;
using ServiceDesk.Hosting;
using ServiceDesk.Hosting.Clients;

namespace ServiceDesk.Gateway;

public static class GatewayServiceExtensions
{
    /// <summary>Where the console's files are: copied beside the gateway's assembly by the build.</summary>
    private static string ConsoleDirectory => Path.Combine(AppContext.BaseDirectory, "console");

    public static WebApplicationBuilder AddGatewayService(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults(ServiceNames.Gateway);
        builder.WebHost.AllowsKestrelHeadroomOverRequestLimits();
        var health = builder.Services.AddHealthChecks();
        foreach (var backend in ServiceNames.Backends)
        {
            // Health needs no token, and one sent makes a backend wait for Identity's keys while they start.
            builder.Services.AddServiceClient<Health.HealthClient>(builder.Configuration, backend, BackendHealthCheck.ClientName(backend), withServiceToken: false);
            health.Add(new HealthCheckRegistration(
                backend,
                provider => ActivatorUtilities.CreateInstance<BackendHealthCheck>(provider, backend),
                HealthStatus.Degraded,
                tags: null));
        }

        var options = builder.Configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<SessionCookies>();
        builder.Services.AddSingleton<SessionRefreshes>();
        builder.Services.AddScoped<SessionTokens>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddBackendClients(builder.Configuration);
        // One reading of a body, the same as a proxy or firewall in front of the gateway makes: the web defaults take a
        // number from a string, the last of a key given twice and a key in any letter case.
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            json.SerializerOptions.PropertyNameCaseInsensitive = false;
            json.SerializerOptions.AllowDuplicateProperties = false;
        });
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = BadRequestProblems.AddCode);
        builder.Services.AddSingleton<IProblemDetailsWriter, ApiProblemWriter>();
        builder.Services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BadRequestProblems>();
        builder.Services.AddGatewayRateLimits(options);
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "ServiceDesk API";
            document.Info.Description = "REST/JSON over the ServiceDesk services. Sign in with POST /api/v1/session (browser: cookies, and the CSRF token "
                + "to send as X-CSRF-Token on unsafe requests) or POST /api/v1/tokens (Authorization: Bearer). Errors are application/problem+json.";
            return Task.CompletedTask;
        }));
        return builder;
    }

    public static WebApplication MapGatewayService(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<GatewayOptions>();
        app.UseSecurityHeaders(options);
        app.UseRequestLimits();
        app.UseManagementEndpointsForDirectCallersOnly(options);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRateLimiter();
        var console = new PhysicalFileProvider(ConsoleDirectory);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = console });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = console });
        app.MapServiceDefaults();
        // Notification's letters link to <portal>/tickets/<id> (Notification:PortalBaseUrl); the console routes by fragment.
        app.MapGet("/tickets/{ticketId}", (string ticketId) => Results.Redirect($"/#/tickets/{Uri.EscapeDataString(ticketId)}"));

        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference(SecurityHeaders.ReferencePath, reference => reference.WithTitle("ServiceDesk API").WithNonce().DisableDefaultFonts());

        var api = app.MapGroup("/api/v1").MapsBackendErrors();
        SessionEndpoints.MapSignIn(api);
        var protectedApi = api.MapGroup(string.Empty).RequiresCsrfTokenForCookieSessions();
        SessionEndpoints.MapSession(protectedApi);
        AccountEndpoints.Map(protectedApi);
        DirectoryEndpoints.Map(protectedApi);
        TicketingEndpoints.Map(protectedApi);
        ErasureEndpoints.Map(protectedApi);
        NotificationEndpoints.Map(protectedApi);
        return app;
    }
}
