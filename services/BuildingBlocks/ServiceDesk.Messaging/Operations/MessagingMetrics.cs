using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ServiceDesk.Contracts.Events.V1;

namespace ServiceDesk.Messaging.Operations;

/// <summary>
/// Meter "ServiceDesk.Messaging": events published, handled, failed and dead-lettered, entries of unknown
/// type left pending, wake-up messages that could not be published, entries refused as unauthenticated, events appended again after Redis lost them, failed rounds of the relay and consumer loops (counters), and this
/// service's backlog per family (gauges servicedesk.events.pending / lag / dead_letters), refreshed by its
/// consumers every <c>Messaging:TrimInterval</c>.
/// </summary>
public sealed class MessagingMetrics
{
    public const string MeterName = "ServiceDesk.Messaging";

    private readonly ConcurrentDictionary<(string Family, string Group), ConsumerGroupBacklog> _backlog = new();
    private readonly Counter<long> _published;
    private readonly Counter<long> _handled;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _loopFailures;
    private readonly Counter<long> _unknownType;
    private readonly Counter<long> _wakeUpFailures;
    private readonly Counter<long> _unauthenticated;
    private readonly Counter<long> _reappended;

    public MessagingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _published = meter.CreateCounter<long>("servicedesk.events.published", description: "Events appended to their stream from the outbox.");
        _handled = meter.CreateCounter<long>("servicedesk.events.handled", description: "Stream entries handled and acknowledged.");
        _failed = meter.CreateCounter<long>("servicedesk.events.failed", description: "Handler attempts that threw.");
        _deadLettered = meter.CreateCounter<long>("servicedesk.events.dead_lettered", description: "Entries moved to a dead-letter stream.");
        _loopFailures = meter.CreateCounter<long>("servicedesk.events.loop_failures", description: "Rounds of the outbox relay or a consumer that failed and were retried after a back-off.");
        _unknownType = meter.CreateCounter<long>("servicedesk.events.unknown_type", description: "Entries of an event type this replica does not know, left pending for one that does.");
        _wakeUpFailures = meter.CreateCounter<long>("servicedesk.events.wakeup_failures", description: "Events appended whose wake-up message could not be published (delivery does not depend on it).");
        _unauthenticated = meter.CreateCounter<long>("servicedesk.events.unauthenticated", description: "Entries not signed by a publisher of their family, refused and moved to the dead letters unhandled.");
        _reappended = meter.CreateCounter<long>("servicedesk.events.reappended", description: "Events appended again because a restarted Redis had lost them.");
        meter.CreateObservableGauge("servicedesk.events.pending", () => Observe(b => b.Pending), description: "Delivered, not yet acknowledged.");
        meter.CreateObservableGauge("servicedesk.events.lag", () => Observe(b => b.Lag), description: "In the stream, not yet delivered to the group.");
        meter.CreateObservableGauge("servicedesk.events.dead_letters", () => Observe(b => b.DeadLettered), description: "Waiting in the dead-letter stream.");
    }

    public void Published(string family) => _published.Add(1, Tag(family));

    public void Handled(string family) => _handled.Add(1, Tag(family));

    public void Failed(string family) => _failed.Add(1, Tag(family));

    public void DeadLettered(string family) => _deadLettered.Add(1, Tag(family));

    public void UnknownType(string family) => _unknownType.Add(1, Tag(family));

    public void Unauthenticated(string family) => _unauthenticated.Add(1, Tag(family));

    public void Reappended(string family) => _reappended.Add(1, Tag(family));

    public void WakeUpFailed(string family) => _wakeUpFailures.Add(1, Tag(family));

    public void LoopFailed(string loop) => _loopFailures.Add(1, new KeyValuePair<string, object?>("loop", loop));

    public void Record(IEnumerable<ConsumerGroupBacklog> backlog)
    {
        foreach (var group in backlog)
        {
            _backlog[(group.Family, group.Group)] = group;
        }
    }

    private IEnumerable<Measurement<long>> Observe(Func<ConsumerGroupBacklog, long> value) =>
        _backlog.Values.Select(b => new Measurement<long>(value(b), new KeyValuePair<string, object?>("family", b.Family), new KeyValuePair<string, object?>("group", b.Group)));

    private static KeyValuePair<string, object?> Tag(string family) => new("family", family);
}
