using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using ServiceDesk.Contracts.Events.V1;

namespace ServiceDesk.Messaging.Catalog;

/// <summary>
/// A family of integration events sharing one Redis stream: the event types it carries, the services that publish it
/// (the only ones whose signatures its consumers accept) and the services that consume it. Every subscriber's consumer group is created before the first event is appended, so a
/// service that has never run yet still receives everything. A family that <paramref name="KeepsHistory"/> is never
/// trimmed: the erasure commands, which a service restored from an old backup re-applies at start. A family whose
/// entries are <paramref name="Independent"/> (no entry's handling depends on another's order: the erasure commands, one
/// removal each) has each batch of new entries handled concurrently, so removals in flight share a participant's
/// checkpoints and relay rounds instead of queueing one behind another.
/// </summary>
public sealed record EventFamily(
    string Name, IReadOnlyList<MessageDescriptor> Events, IReadOnlyList<string> Publishers, IReadOnlyList<string> Subscribers, bool KeepsHistory = false, bool Independent = false)
{
    /// <summary>Whether the family carries the envelope's event type (its payload's full name).</summary>
    public bool Carries(EventEnvelope envelope) => Events.Any(type => type.FullName == Any.GetTypeName(envelope.Payload.TypeUrl));
}
