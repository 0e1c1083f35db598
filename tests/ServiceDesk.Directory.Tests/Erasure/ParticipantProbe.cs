using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Directory.Tests.Events;
using ServiceDesk.Hosting;
using ServiceDesk.Messaging;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Storage;
using ServiceDesk.Testing;

namespace ServiceDesk.Directory.Tests.Erasure;

/// <summary>
/// A removal participant built from the real erasure building block, under a participant's service name
/// ("identity", "ticketing", "notification"): it takes the command from the "erasure" stream, "erases" through
/// <see cref="ProbeErasure"/> and sends its receipt, and answers PreviewErasure to Directory's service identity.
/// </summary>
public static class ParticipantProbe
{
    public const string ItemsErased = "probe_items_erased";

    public static ServiceApp App(string service, ProbeSwitch probeSwitch) => new(
        service,
        "ServiceDesk.Directory.Tests",
        builder =>
        {
            builder.AddServiceDefaults(service);
            builder.AddServiceStorage(service);
            builder.AddRedis(service);
            builder.Services.AddSingleton(probeSwitch);
            builder.AddEventBus().AddErasureParticipant<ProbeErasure>();
        },
        app =>
        {
            app.MapServiceDefaults();
            app.MapErasureParticipant();
        });

    /// <summary>On the test's stream prefix; a failing attempt goes to the dead letters at once, so a retry is the test's to make.</summary>
    public static Task<ServiceHost> StartAsync(string service, ProbeSwitch probeSwitch, string redis, string prefix, ServiceHost identity) =>
        ServiceHost.StartAsync(App(service, probeSwitch), new Dictionary<string, string?>(TicketingProbe.Messaging(redis, prefix))
        {
            ["Messaging:MaxAttempts"] = "1",
            ["Auth:Authority"] = identity.Endpoints.HttpUri.ToString(),
        });
}

/// <summary>Makes a probe's erasure fail (as a broken handler would) until switched back; keeps every command's final profile it was given.</summary>
public sealed class ProbeSwitch
{
    public volatile bool Fail;

    public System.Collections.Concurrent.ConcurrentQueue<ServiceDesk.Contracts.Events.V1.SealedData?> FinalProfiles { get; } = new();
}

public sealed class ProbeErasure(ProbeSwitch probeSwitch) : ICustomerErasure
{
    public Task<ErasurePlan> PlanAsync(ErasureScope scope, CancellationToken cancellationToken)
    {
        if (!scope.IsDryRun)
        {
            probeSwitch.FinalProfiles.Enqueue(scope.FinalProfile);
        }

        IReadOnlyDictionary<string, long> counts = new Dictionary<string, long> { [ParticipantProbe.ItemsErased] = 2 };
        return Task.FromResult(new ErasurePlan(counts, _ => probeSwitch.Fail
            ? throw new InvalidOperationException("the probe was told to fail")
            : Task.FromResult(counts)));
    }
}
