using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Messaging.Outbox;
using ServiceDesk.Messaging.Publishing;

namespace ServiceDesk.Testing;

/// <summary>Removal commands appended by hand, through any host's outbox, as a given service.</summary>
public static class ErasureCommands
{
    /// <summary>
    /// Appends <paramref name="command"/> through <paramref name="host"/>'s outbox with <paramref name="asService"/> as
    /// its publisher: Directory by default, the only service whose removal commands participants carry out.
    /// </summary>
    public static async Task PublishAsync(ServiceHost host, IMessage command, string asService = ServiceNames.Directory)
    {
        var events = host.Services.GetRequiredService<IntegrationEvents>();
        var prepared = events.Prepare(command);
        var envelope = EventEnvelope.Parser.ParseFrom(prepared.Envelope);
        envelope.Source = asService;
        await host.Services.GetRequiredService<IOutboxStore>().EnqueueAsync([OutgoingEvent.From(prepared.Family, envelope)], CancellationToken.None);
        events.WakeRelay();
    }
}
