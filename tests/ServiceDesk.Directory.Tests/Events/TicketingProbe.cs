using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Messaging;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.PersonalData;
using ServiceDesk.Storage;
using ServiceDesk.Testing;

namespace ServiceDesk.Directory.Tests.Events;

/// <summary>
/// A stand-in for Ticketing built from the real building blocks: under the system's event catalog it consumes
/// the "customers" family as the "ticketing" group, unseals each profile with keys it fetches from Directory
/// under its own service identity, and can publish what Ticketing publishes (ProjectCreated).
/// </summary>
public static class TicketingProbe
{
    public static readonly ServiceApp App = new(
        ServiceNames.Ticketing,
        "ServiceDesk.Directory.Tests",
        builder =>
        {
            builder.AddServiceDefaults(ServiceNames.Ticketing);
            builder.AddServiceStorage(ServiceNames.Ticketing);
            builder.AddRedis(ServiceNames.Ticketing);
            builder.Services.AddCustomerKeysFromDirectory(builder.Configuration);
            builder.Services.AddSingleton<ReceivedCustomerEvents>();
            builder.AddEventBus()
                .AddSubscription<CustomerCreated, CustomerEventRecorder>()
                .AddSubscription<CustomerUpdated, CustomerEventRecorder>();
        },
        app =>
        {
            app.MapServiceDefaults();
            app.MapEventOperations();
        });

    /// <summary>Fast rounds so tests finish in seconds; the same code paths as the production defaults.</summary>
    public static Dictionary<string, string?> Messaging(string redis, string prefix) => new()
    {
        ["Redis:Configuration"] = redis,
        ["Messaging:KeyPrefix"] = prefix,
        ["Messaging:PollInterval"] = "00:00:00.250",
        ["Messaging:RelayInterval"] = "00:00:00.250",
        ["Messaging:MaxAttempts"] = "3",
    };

    /// <summary>The probe, trusting and known to <paramref name="identity"/> as "ticketing", fetching keys from <paramref name="directory"/>.</summary>
    public static Task<ServiceHost> StartAsync(string redis, string prefix, ServiceHost identity, ServiceHost directory) =>
        ServiceHost.StartAsync(App, new Dictionary<string, string?>(Messaging(redis, prefix))
        {
            ["Auth:Authority"] = identity.Endpoints.HttpUri.ToString(),
            ["Services:identity"] = identity.Endpoints.GrpcUri.ToString(),
            ["Services:directory"] = directory.Endpoints.GrpcUri.ToString(),
            ["Auth:ServiceSecret"] = IdentityTestHost.TicketingSecret,
        });
}

/// <summary>One customer event as the probe received it, its profile unsealed.</summary>
public sealed record ReceivedCustomerEvent(
    string Type, string CustomerId, long Version, string OrganizationId, IReadOnlyList<string> ProjectKeys, string Address, string DisplayName)
{
    /// <summary>Who chose the name and the former names and addresses, as "chosen: [name (customer|staff), ...] [address, ...]".</summary>
    public string Provenance { get; init; } = string.Empty;
}

public sealed class ReceivedCustomerEvents
{
    public ConcurrentQueue<ReceivedCustomerEvent> InOrder { get; } = new();

    public IReadOnlyList<ReceivedCustomerEvent> Of(string customerId) => [.. InOrder.Where(received => received.CustomerId == customerId)];
}

public sealed class CustomerEventRecorder(PersonalDataSealer sealer, ReceivedCustomerEvents received)
    : IIntegrationEventHandler<CustomerCreated>, IIntegrationEventHandler<CustomerUpdated>
{
    public Task HandleAsync(CustomerCreated message, EventContext context, CancellationToken cancellationToken) =>
        RecordAsync(nameof(CustomerCreated), message.CustomerId, message.Version, message.OrganizationId, message.ProjectKeys, message.Profile, cancellationToken);

    public Task HandleAsync(CustomerUpdated message, EventContext context, CancellationToken cancellationToken) =>
        RecordAsync(nameof(CustomerUpdated), message.CustomerId, message.Version, message.OrganizationId, message.ProjectKeys, message.Profile, cancellationToken);

    private async Task RecordAsync(
        string type, string customerId, long version, string organizationId, IEnumerable<string> projectKeys, SealedData profile, CancellationToken cancellationToken)
    {
        var clear = await sealer.UnsealAsync(profile, CustomerProfile.Parser, cancellationToken);
        received.InOrder.Enqueue(new ReceivedCustomerEvent(type, customerId, version, organizationId, [.. projectKeys], clear.Address, clear.DisplayName)
        {
            Provenance = $"{(clear.DisplayNameChosenByCustomer ? "customer" : "staff")}: "
                + $"[{string.Join(", ", clear.FormerDisplayNames.Select(name => $"{name.Text} ({(name.ChosenByCustomer ? "customer" : "staff")})"))}] "
                + $"[{string.Join(", ", clear.FormerAddresses)}]",
        });
    }
}
