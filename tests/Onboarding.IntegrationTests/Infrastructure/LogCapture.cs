using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>
/// Keeps every log entry the Api writes, with its structured values, scopes and exception, so tests can
/// search the logs for secrets the way an attacker with log access would.
/// </summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IEnumerable<string> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(string category, LogCapture capture) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => capture._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var entry = new StringBuilder($"{logLevel} {category}: {formatter(state, exception)}");
            AppendValues(entry, state);
            capture._scopes.ForEachScope((scope, line) => AppendValues(line.Append(" scope:"), scope), entry);
            entry.Append(exception);
            capture._entries.Enqueue(entry.ToString());
        }

        private static void AppendValues(StringBuilder entry, object? state)
        {
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    entry.Append(' ').Append(key).Append('=').Append(value);
                }
            }
            else
            {
                entry.Append(' ').Append(state);
            }
        }
    }
}
