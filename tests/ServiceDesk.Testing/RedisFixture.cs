using ServiceDesk.LocalRedis;
using Xunit;

namespace ServiceDesk.Testing;

/// <summary>
/// One Redis for a test collection: a redis-server this fixture starts on a free port, or the server
/// <c>REDIS_URL</c> names. Tests isolate their keys with <see cref="NewPrefix"/>.
/// </summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private RedisServer? _server;

    public string Configuration { get; private set; } = string.Empty;

    /// <summary>The server this fixture started; null when REDIS_URL points at an external one.</summary>
    public RedisServer? Server => _server;

    public async Task InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable("REDIS_URL");
        if (!string.IsNullOrWhiteSpace(external))
        {
            Configuration = external.Replace("redis://", string.Empty, StringComparison.OrdinalIgnoreCase).TrimEnd('/');
            return;
        }

        _server = await RedisServer.StartAsync(TestDirectory.Create("redis"));
        Configuration = _server.Configuration;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A key and channel prefix unique to one test.</summary>
    public static string NewPrefix() => $"t{Guid.NewGuid():N}"[..13] + ":";
}
