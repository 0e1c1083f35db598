using System.Globalization;
using ServiceDesk.Hosting;
using ServiceDesk.Hosting.Logging;
using ServiceDesk.Messaging.Catalog;
using StackExchange.Redis;

namespace ServiceDesk.Messaging.Consuming;

/// <summary>
/// Entries whose handler kept failing, per family and consumer group, in their own stream with the last
/// error, until an operator re-drives them.
/// </summary>
public sealed class DeadLetters(EventStreams streams, EventDispatcher dispatcher, ServiceInfo service, TimeProvider time)
{
    public const string EntryIdField = "entry_id";
    public const string ErrorField = "error";
    public const string AttemptsField = "attempts";
    public const string FailedAtField = "failed_at";

    /// <summary>Moves an entry to the dead letters and acknowledges it in the stream, atomically.</summary>
    public async Task MoveAsync(StreamKeys keys, StreamEntry entry, Exception? error, long attempts)
    {
        var transaction = streams.Database.CreateTransaction();
        _ = transaction.StreamAddAsync(keys.DeadLetters(service.Name), DeadLetterFields(entry.Id, entry[EventStreams.EventIdField], entry[EventStreams.EventTypeField], entry[EventStreams.EnvelopeField], error, attempts));
        _ = transaction.StreamAcknowledgeAsync(keys.Stream, service.Name, entry.Id);
        _ = transaction.HashDeleteAsync(keys.Attempts(service.Name), entry.Id);
        await transaction.ExecuteAsync();
    }

    /// <summary>
    /// Runs the handler again for up to <paramref name="limit"/> dead letters of this service's group. Those that
    /// succeed (or were meanwhile handled) leave the dead-letter stream; those that fail again stay, with the new error.
    /// </summary>
    public async Task<(int Redriven, int Failed)> RedriveAsync(string family, int limit, CancellationToken cancellationToken)
    {
        var keys = streams.Keys(family);
        var deadKey = keys.DeadLetters(service.Name);
        var entries = await streams.Database.StreamRangeAsync(deadKey, "-", "+", limit);
        int redriven = 0, failed = 0;
        foreach (var dead in entries)
        {
            var envelope = EventDispatcher.TryParse(dead[EventStreams.EnvelopeField]);
            Exception? error = null;
            if (envelope is not null)
            {
                try
                {
                    var context = new EventContext(envelope.EventId, envelope.Source, envelope.OccurredAt.ToDateTimeOffset(), family, dead[EntryIdField].ToString());
                    await dispatcher.DispatchAsync(envelope, context, cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    error = exception;
                }
            }
            else
            {
                error = new InvalidDataException("The entry holds no readable event envelope.");
            }

            var transaction = streams.Database.CreateTransaction();
            _ = transaction.StreamDeleteAsync(deadKey, [dead.Id]);
            if (error is not null)
            {
                var attempts = (long)dead[AttemptsField] + 1;
                _ = transaction.StreamAddAsync(deadKey, DeadLetterFields(dead[EntryIdField], dead[EventStreams.EventIdField], dead[EventStreams.EventTypeField], dead[EventStreams.EnvelopeField], error, attempts));
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

    private NameValueEntry[] DeadLetterFields(RedisValue entryId, RedisValue eventId, RedisValue eventType, RedisValue envelope, Exception? error, long attempts) =>
    [
        new(EntryIdField, entryId),
        new(EventStreams.EventIdField, eventId),
        new(EventStreams.EventTypeField, eventType),
        new(EventStreams.EnvelopeField, envelope),
        new(ErrorField, Describe(error)),
        new(AttemptsField, attempts),
        new(FailedAtField, time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)),
    ];

    /// <summary>The error as an operator sees it: type and message, redacted.</summary>
    public static string Describe(Exception? error) =>
        error is null ? "unknown" : PersonalDataRedactor.Redact($"{error.GetType().Name}: {error.Message}");
}
