using System.Runtime.CompilerServices;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Messaging.Authenticity;
using ServiceDesk.Messaging.Catalog;
using ServiceDesk.Messaging.Consuming;
using StackExchange.Redis;

namespace ServiceDesk.Messaging.Erasure;

/// <summary>
/// The "erasure" stream's history, oldest first: every authentic removal command and address reinstatement Directory
/// appended. The family keeps its history (<see cref="EventFamily.KeepsHistory"/>) so that a store restored from a
/// backup taken before them can apply them again at start; entries the consumers would refuse are skipped here too.
/// </summary>
public sealed partial class ErasureHistory(EventStreams streams, EventAuthenticator authenticator, ILogger<ErasureHistory> logger)
{
    private const int PageSize = 100;

    public async IAsyncEnumerable<ErasureHistoryEntry> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var family = streams.Catalog.FamilyOf(CustomerErasureRequested.Descriptor);
        var stream = streams.Keys(family.Name).Stream;
        RedisValue from = "-";
        var skipped = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await streams.Database.StreamRangeAsync(stream, from, "+", PageSize);
            foreach (var entry in page)
            {
                if (EntryOf(family.Name, entry) is { } authentic)
                {
                    yield return authentic;
                }
                else
                {
                    skipped++;
                }
            }

            if (page.Length < PageSize)
            {
                if (skipped > 0)
                {
                    LogSkipped(skipped);
                }

                yield break;
            }

            from = "(" + page[^1].Id;
        }
    }

    /// <summary>
    /// Warned, not only counted: an entry signed with a key no longer configured is a removal that is not replayed. The
    /// stream is never trimmed, so Directory's former public keys stay listed while it holds entries signed with them.
    /// </summary>
    [LoggerMessage(Level = LogLevel.Warning, Message = "{Skipped} entries of the erasure stream are not signed by Directory under a key in Messaging:PublisherKeys:directory and were skipped; if its signing key was replaced, list its former public key there again")]
    private partial void LogSkipped(int skipped);

    private ErasureHistoryEntry? EntryOf(string family, StreamEntry entry)
    {
        if (authenticator.Check(family, entry).Envelope is not { } envelope)
        {
            return null;
        }

        IMessage? payload = Any.GetTypeName(envelope.Payload.TypeUrl) switch
        {
            var type when type == CustomerErasureRequested.Descriptor.FullName => envelope.Payload.Unpack<CustomerErasureRequested>(),
            var type when type == ErasedAddressesReinstated.Descriptor.FullName => envelope.Payload.Unpack<ErasedAddressesReinstated>(),
            _ => null,
        };
        return payload is null ? null : new ErasureHistoryEntry(payload, envelope.OccurredAt?.ToDateTimeOffset() ?? DateTimeOffset.UnixEpoch);
    }
}

/// <summary>A <see cref="CustomerErasureRequested"/> or an <see cref="ErasedAddressesReinstated"/>, and when Directory published it.</summary>
public sealed record ErasureHistoryEntry(IMessage Payload, DateTimeOffset OccurredAt)
{
    public string RequestId => Payload switch
    {
        CustomerErasureRequested command => command.RequestId,
        ErasedAddressesReinstated reinstated => reinstated.RequestId,
        _ => string.Empty,
    };
}
