using System.Globalization;
using Microsoft.Extensions.Options;
using ServiceDesk.Hosting;
using ServiceDesk.Hosting.Logging;
using ServiceDesk.Messaging.Authenticity;
using ServiceDesk.Messaging.Catalog;
using StackExchange.Redis;

namespace ServiceDesk.Messaging.Consuming;

/// <summary>
/// Entries whose handler kept failing (or that were refused), per family and consumer group, in their own stream
/// with the last error, until an operator re-drives them; at most about <c>Messaging:DeadLetterMaxLength</c>.
/// </summary>
public sealed class DeadLetters(
    EventStreams streams, EventDispatcher dispatcher, EventAuthenticator authenticator, ServiceInfo service, IOptions<MessagingOptions> options, TimeProvider time)
{
    public const string EntryIdField = "entry_id";
    public const string ErrorField = "error";
    public const string AttemptsField = "attempts";
    public const string FailedAtField = "failed_at";

    /// <summary>The error of an entry refused for want of a publisher's valid signature; it is never handled, not even on a re-drive.</summary>
    public const string Unauthenticated = "unauthenticated: not signed by a publisher of the family under a key in Messaging:PublisherKeys";

    public const string Unreadable = "InvalidDataException: The entry holds no readable event envelope.";

    /// <summary>The error of a dead letter whose event type its family does not carry; a re-drive never handles it.</summary>
    public const string NotOfTheFamily = "refused: the family carries no event of this type";

    /// <summary>Moves an entry, with its signature, to the dead letters and acknowledges it in the stream, atomically.</summary>
    public async Task MoveAsync(StreamKeys keys, StreamEntry entry, string error, long attempts)
    {
        var transaction = streams.Database.CreateTransaction();
        _ = transaction.StreamAddAsync(keys.DeadLetters(service.Name), DeadLetterFields(entry.Id, entry, error, attempts), maxLength: options.Value.DeadLetterMaxLength, useApproximateMaxLength: true);
        _ = transaction.StreamAcknowledgeAsync(keys.Stream, service.Name, entry.Id);
        _ = transaction.HashDeleteAsync(keys.Attempts(service.Name), entry.Id);
        await transaction.ExecuteAsync();
    }

    /// <summary>
    /// Runs the handler again for up to <paramref name="limit"/> dead letters of this service's group. Those that
    /// succeed (or were meanwhile handled) leave the dead-letter stream; those that fail again, and unauthenticated
    /// ones, stay, with the new error.
    /// </summary>
    public async Task<(int Redriven, int Failed)> RedriveAsync(string family, int limit, CancellationToken cancellationToken)
    {
        var keys = streams.Keys(family);
        var deadKey = keys.DeadLetters(service.Name);
        var entries = await streams.Database.StreamRangeAsync(deadKey, "-", "+", limit);
        int redriven = 0, failed = 0;
        foreach (var dead in entries)
        {
            var (envelope, error) = Handleable(family, dead);
            if (envelope is not null)
            {
                try
                {
                    var context = new EventContext(envelope.EventId, envelope.Source, envelope.OccurredAt.ToDateTimeOffset(), family, dead[EntryIdField].ToString());
                    await dispatcher.DispatchAsync(envelope, context, cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    error = Describe(exception);
                }
            }

            var transaction = streams.Database.CreateTransaction();
            _ = transaction.StreamDeleteAsync(deadKey, [dead.Id]);
            if (error is not null)
            {
                var attempts = (long)dead[AttemptsField] + 1;
                _ = transaction.StreamAddAsync(deadKey, DeadLetterFields(dead[EntryIdField], dead, error, attempts), maxLength: options.Value.DeadLetterMaxLength, useApproximateMaxLength: true);
                failed++;
            }
            else
            {
                redriven++;
            }

            await transaction.ExecuteAsync();
        }

        return (redriven, failed);
    }

    /// <summary>
    /// Deletes the dead letter of this service's group for the family's entry <paramref name="entryId"/> when no re-drive
    /// could ever handle it (<see cref="Handleable"/>, checked again, whatever its stored error says).
    /// </summary>
    /// <returns>Found: whether the group holds a dead letter of that entry; Refusal: why none could handle it, null when
    /// it is an authentic event, which stays.</returns>
    public async Task<(bool Found, string? Refusal)> DiscardAsync(string family, string entryId, CancellationToken cancellationToken)
    {
        var deadKey = streams.Keys(family).DeadLetters(service.Name);
        if (await FindAsync(deadKey, entryId, cancellationToken) is not { } dead)
        {
            return (false, null);
        }

        var (_, refusal) = Handleable(family, dead);
        // Gone meanwhile: a re-drive of the same moment wrote it again under another id, or another discard took it.
        return refusal is not null && await streams.Database.StreamDeleteAsync(deadKey, [dead.Id]) == 0 ? (false, null) : (true, refusal);
    }

    /// <summary>The envelope a re-drive may hand to the handler, or why no re-drive ever will.</summary>
    private (Contracts.Events.V1.EventEnvelope? Envelope, string? Refusal) Handleable(string family, StreamEntry dead)
    {
        var check = authenticator.Check(family, dead);
        return !check.IsAuthentic ? (null, Unauthenticated)
            : check.Envelope is not { } envelope ? (null, Unreadable)
            // The live consumer never dead-letters such an entry (it parks it for a newer replica): put here by hand, as a
            // publisher of the family could, with an event of another family whose handler would trust its source.
            : streams.Catalog.Find(family)?.Carries(envelope) is not true ? (null, NotOfTheFamily)
            : (envelope, null);
    }

    /// <summary>The first dead letter of <paramref name="entryId"/>, read a page at a time (the stream holds up to Messaging:DeadLetterMaxLength).</summary>
    private async Task<StreamEntry?> FindAsync(RedisKey deadKey, string entryId, CancellationToken cancellationToken)
    {
        const int Page = 1000;
        RedisValue from = "-";
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entries = await streams.Database.StreamRangeAsync(deadKey, from, "+", Page);
            foreach (var dead in entries)
            {
                if (dead[EntryIdField] == entryId)
                {
                    return dead;
                }
            }

            if (entries.Length < Page)
            {
                return null;
            }

            from = "(" + entries[^1].Id;
        }
    }

    /// <summary>The entry's own fields it has (a forged one may lack any; a null value would break the command).</summary>
    private NameValueEntry[] DeadLetterFields(RedisValue entryId, StreamEntry entry, string error, long attempts) =>
    [
        new(EntryIdField, entryId),
        .. new[] { EventStreams.EventIdField, EventStreams.EventTypeField, EventStreams.EnvelopeField, EventAuthenticator.SignerField, EventAuthenticator.SignatureField }
            .Where(field => !entry[field].IsNull)
            .Select(field => new NameValueEntry(field, entry[field])),
        new(ErrorField, error),
        new(AttemptsField, attempts),
        new(FailedAtField, time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)),
    ];

    /// <summary>The error as an operator sees it: type and message, redacted.</summary>
    public static string Describe(Exception error) => PersonalDataRedactor.Redact($"{error.GetType().Name}: {error.Message}");
}
