using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Storage;
using ServiceDesk.Testing;

namespace ServiceDesk.Messaging.Tests;

/// <summary>
/// Small services built from the real building blocks (hosting, LiteDB storage, Redis, event bus), publishing
/// and consuming on the "probe" family: "publisher" publishes, consumer groups "consumer-a" and "consumer-b"
/// subscribe. "consumer-b" may also publish "customers": a service whose key is known, but not for "probe".
/// </summary>
public static class Probes
{
    public static readonly EventCatalog Catalog = new(
    [
        new EventFamily("probe", [ProjectCreated.Descriptor], Publishers: ["publisher"], Subscribers: ["consumer-a", "consumer-b"]),
        new EventFamily("customers", [CustomerCreated.Descriptor], Publishers: ["publisher", "consumer-b"], Subscribers: ["consumer-a"]),
    ]);

    /// <summary>The catalog of a newer release: the probe family also carries <see cref="TicketCreated"/>.</summary>
    public static readonly EventCatalog NewerCatalog = new(
    [
        new EventFamily("probe", [ProjectCreated.Descriptor, TicketCreated.Descriptor], Publishers: ["publisher"], Subscribers: ["consumer-a", "consumer-b"]),
        new EventFamily("customers", [CustomerCreated.Descriptor], Publishers: ["publisher"], Subscribers: ["consumer-a"]),
    ]);

    public static ServiceApp Service(string name, Action<EventBusBuilder>? subscribe = null, EventCatalog? catalog = null) => new(
        name,
        "ServiceDesk.Messaging.Tests",
        builder =>
        {
            builder.AddServiceDefaults(name);
            builder.AddServiceStorage(name);
            builder.AddRedis(name);
            builder.Services.AddSingleton(catalog ?? Catalog);
            builder.Services.AddSingleton<Received>();
            builder.Services.AddSingleton<FailureSwitch>();
            var bus = builder.AddEventBus();
            subscribe?.Invoke(bus);
        },
        app =>
        {
            app.MapServiceDefaults();
            app.MapEventOperations();
        });

    public static ServiceApp Consumer(string group) => Service(group, bus => bus.AddSubscription<ProjectCreated, RecordingHandler>());

    /// <summary>The secret consumer-a proves its service identity with, in tests that need one.</summary>
    public const string ConsumerSecret = "consumer-a-secret-for-tests-only-0123456789";

    /// <summary>Fast rounds so tests finish in seconds; the same code paths as production defaults.</summary>
    public static Dictionary<string, string?> Settings(string redis, string prefix, string? instance = null) => new()
    {
        ["Redis:Configuration"] = redis,
        ["Messaging:KeyPrefix"] = prefix,
        ["Messaging:InstanceName"] = instance,
        ["Messaging:PollInterval"] = "00:00:00.250",
        ["Messaging:RelayInterval"] = "00:00:00.250",
        ["Messaging:ClaimAfter"] = "00:00:02",
        ["Messaging:MaxAttempts"] = "3",
        ["Messaging:TrimInterval"] = "00:00:00.250",
    };

    /// <summary>The settings of a service that trusts this Identity's tokens and can get its own service token from it.</summary>
    public static Dictionary<string, string?> TrustingIdentity(this Dictionary<string, string?> settings, ServiceHost identity, string? serviceSecret = null)
    {
        settings["Auth:Authority"] = identity.Endpoints.HttpUri.ToString();
        settings["Services:identity"] = identity.Endpoints.GrpcUri.ToString();
        settings["Auth:ServiceSecret"] = serviceSecret;
        return settings;
    }

    /// <summary>Identity knowing consumer-a's service credential.</summary>
    public static Task<ServiceHost> StartIdentityAsync(string redis) =>
        IdentityTestHost.StartAsync(redis, ("Identity:ServiceCredentials:consumer-a", IdentityTestHost.Sha256Hex(ConsumerSecret)));

    public static async Task<IReadOnlyList<string>> PublishAsync(ServiceHost publisher, int count, string keyPrefix = "P")
    {
        var events = publisher.Services.GetRequiredService<Publishing.IntegrationEvents>();
        var published = await events.PublishAsync(
            [.. Enumerable.Range(0, count).Select(i => new ProjectCreated { ProjectKey = $"{keyPrefix}{i}" })], CancellationToken.None);
        return [.. published.Select(e => e.EventId)];
    }
}

/// <summary>What one host's handlers saw: event id → times handled, and the order of project keys.</summary>
public sealed class Received
{
    public ConcurrentDictionary<string, int> TimesHandled { get; } = new();

    public ConcurrentQueue<string> ProjectKeys { get; } = new();

    public ConcurrentDictionary<string, int> Attempts { get; } = new();

    public int Count => TimesHandled.Count;
}

/// <summary>Makes the recording handler throw for the project keys it names, until cleared.</summary>
public sealed class FailureSwitch
{
    public ConcurrentDictionary<string, bool> FailingKeys { get; } = new();

    public volatile bool FailEverything;

    /// <summary>The handler's called service answers with this code (UNAVAILABLE, or RESOURCE_EXHAUSTED when overloaded): a transient failure, not the handler's.</summary>
    public StatusCode? CalledServiceFails { get; set; }

    public volatile TaskCompletionSource? Block;

    /// <summary>Project keys whose first attempt fails; the retry succeeds.</summary>
    public ConcurrentDictionary<string, bool> FailOnceKeys { get; } = new();

    /// <summary>How long each handling takes, in milliseconds: a slow handler makes a backlog.</summary>
    public volatile int HandlingMilliseconds;
}

public sealed class RecordingHandler(Received received, FailureSwitch failures) : IIntegrationEventHandler<ProjectCreated>
{
    public async Task HandleAsync(ProjectCreated message, EventContext context, CancellationToken cancellationToken)
    {
        received.Attempts.AddOrUpdate(message.ProjectKey, 1, (_, n) => n + 1);
        if (failures.Block is { } block)
        {
            await block.Task.WaitAsync(cancellationToken);
        }

        if (failures.HandlingMilliseconds > 0)
        {
            await Task.Delay(failures.HandlingMilliseconds, cancellationToken);
        }

        if (failures.FailOnceKeys.TryRemove(message.ProjectKey, out _))
        {
            throw new InvalidOperationException($"Handler refused project {message.ProjectKey} once");
        }

        if (failures.CalledServiceFails is { } code)
        {
            throw new RpcException(new Status(code, "called service unavailable or overloaded"));
        }

        if (failures.FailEverything || failures.FailingKeys.ContainsKey(message.ProjectKey))
        {
            throw new InvalidOperationException($"Handler refused project {message.ProjectKey}");
        }

        received.TimesHandled.AddOrUpdate(context.EventId, 1, (_, n) => n + 1);
        received.ProjectKeys.Enqueue(message.ProjectKey);
    }
}

public sealed class TicketRecordingHandler(Received received) : IIntegrationEventHandler<TicketCreated>
{
    public Task HandleAsync(TicketCreated message, EventContext context, CancellationToken cancellationToken)
    {
        received.TimesHandled.AddOrUpdate(context.EventId, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }
}
