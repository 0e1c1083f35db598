using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Directory.Suggestions;
using ServiceDesk.Testing;

namespace ServiceDesk.Directory.Tests.Suggestions;

/// <summary>
/// One Directory host's <c>servicedesk.suggestions.calls</c>, read as a metrics exporter reads it: how many calls its
/// index answered alone and how many the store confirmed.
/// </summary>
public sealed class SuggestionCalls : IDisposable
{
    private readonly ConcurrentDictionary<string, long> _byAnswer = new(StringComparer.Ordinal);
    private readonly MeterListener _listener;

    public SuggestionCalls(ServiceHost host)
    {
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, subscriber) =>
            {
                if (instrument.Meter.Scope == meters && instrument is { Name: "servicedesk.suggestions.calls", Meter.Name: CustomerSuggester.MeterName })
                {
                    subscriber.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "answered_from")
                {
                    _byAnswer.AddOrUpdate((string)tag.Value!, value, (_, count) => count + value);
                }
            }
        });
        _listener.Start();
    }

    public long FromIndex => _byAnswer.GetValueOrDefault("index");

    public long FromStore => _byAnswer.GetValueOrDefault("store");

    public void Dispose() => _listener.Dispose();
}
