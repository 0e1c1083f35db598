using Google.Protobuf.Reflection;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting;

namespace ServiceDesk.Messaging.Catalog;

/// <summary>Which family each event type travels in, and who publishes and who consumes each family.</summary>
public sealed class EventCatalog
{
    private readonly Dictionary<string, EventFamily> _byEventType;

    public EventCatalog(IEnumerable<EventFamily> families)
    {
        Families = [.. families];
        _byEventType = Families.SelectMany(f => f.Events.Select(e => (e.FullName, f))).ToDictionary(p => p.FullName, p => p.f);
    }

    /// <summary>The system's real topology.</summary>
    public static EventCatalog Default { get; } = new(
    [
        new("customers", [CustomerCreated.Descriptor, CustomerUpdated.Descriptor], Publishers: [ServiceNames.Directory], Subscribers: [ServiceNames.Ticketing, ServiceNames.Notification]),
        new("erasure", [CustomerErasureRequested.Descriptor, ErasedAddressesReinstated.Descriptor], Publishers: [ServiceNames.Directory], Subscribers: [ServiceNames.Identity, ServiceNames.Ticketing, ServiceNames.Notification], KeepsHistory: true, Independent: true),
        new("erasure-receipts", [ErasureReceipt.Descriptor], Publishers: [ServiceNames.Identity, ServiceNames.Ticketing, ServiceNames.Notification], Subscribers: [ServiceNames.Directory]),
        new("projects", [ProjectCreated.Descriptor], Publishers: [ServiceNames.Ticketing], Subscribers: [ServiceNames.Directory]),
        new("tickets", [TicketCreated.Descriptor, TicketCommented.Descriptor, TicketStatusChanged.Descriptor, TicketParticipantAdded.Descriptor, TicketParticipantRemoved.Descriptor], Publishers: [ServiceNames.Ticketing], Subscribers: [ServiceNames.Notification]),
    ]);

    public IReadOnlyList<EventFamily> Families { get; }

    public EventFamily FamilyOf(MessageDescriptor eventType) =>
        _byEventType.TryGetValue(eventType.FullName, out var family)
            ? family
            : throw new InvalidOperationException($"{eventType.FullName} belongs to no event family in the catalog.");

    public EventFamily? Find(string familyName) => Families.FirstOrDefault(f => f.Name == familyName);
}
