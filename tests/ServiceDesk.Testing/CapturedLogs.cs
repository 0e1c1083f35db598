using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ServiceDesk.Hosting.Logging;

namespace ServiceDesk.Testing;

/// <summary>
/// Collects what a hosted service logs, formatted by the production formatter, so tests can assert on the
/// exact lines an operator would see.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly RedactingJsonConsoleFormatter _formatter = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<string> Lines => _lines;

    public string All => string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private void Write<TState>(in LogEntry<TState> entry)
    {
        using var writer = new StringWriter();
        _formatter.Write(entry, _scopes, writer);
        _lines.Enqueue(writer.ToString().TrimEnd());
    }

    private sealed class CapturingLogger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter));
    }
}
