using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace ServiceDesk.Hosting.Logging;

/// <summary>One JSON object per line, every text value passed through <see cref="PersonalDataRedactor"/>.</summary>
public sealed class RedactingJsonConsoleFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "servicedesk-json";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("time", DateTimeOffset.UtcNow);
            json.WriteString("level", logEntry.LogLevel.ToString());
            json.WriteString("category", logEntry.Category);
            if (logEntry.EventId.Id != 0)
            {
                json.WriteNumber("eventId", logEntry.EventId.Id);
            }

            json.WriteString("message", PersonalDataRedactor.Redact(message ?? string.Empty));
            if (logEntry.Exception is { } exception)
            {
                json.WriteString("exception", PersonalDataRedactor.Redact(exception.ToString()));
            }

            if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> properties)
            {
                WriteProperties(json, "state", properties);
            }

            WriteScopes(json, scopeProvider);
            json.WriteEndObject();
        }

        textWriter.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    private static void WriteScopes(Utf8JsonWriter json, IExternalScopeProvider? scopeProvider)
    {
        if (scopeProvider is null)
        {
            return;
        }

        var wroteArray = false;
        scopeProvider.ForEachScope(
            (scope, writer) =>
            {
                if (!wroteArray)
                {
                    writer.WriteStartArray("scopes");
                    wroteArray = true;
                }

                if (scope is IReadOnlyList<KeyValuePair<string, object?>> properties)
                {
                    WriteProperties(writer, null, properties);
                }
                else
                {
                    writer.WriteStringValue(PersonalDataRedactor.Redact(Convert.ToString(scope, CultureInfo.InvariantCulture) ?? string.Empty));
                }
            },
            json);
        if (wroteArray)
        {
            json.WriteEndArray();
        }
    }

    private static void WriteProperties(Utf8JsonWriter json, string? name, IReadOnlyList<KeyValuePair<string, object?>> properties)
    {
        if (name is null)
        {
            json.WriteStartObject();
        }
        else
        {
            json.WriteStartObject(name);
        }

        foreach (var (key, value) in properties)
        {
            if (key == "{OriginalFormat}")
            {
                continue;
            }

            json.WriteString(key, PersonalDataRedactor.Redact(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty));
        }

        json.WriteEndObject();
    }
}

