using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ServiceDesk.Hosting.Auth;

/// <summary>
/// The signing keys JwtBearer validates with, read from Identity's <c>/.well-known/jwks.json</c> and fetched
/// again every <see cref="AuthOptions.KeyRefreshInterval"/> (and soon after a token names an unknown key).
/// Once a key set was had, no call waits for Identity: a due refresh runs in the background, one at a time,
/// and the last key set stays in use meanwhile, however long Identity takes (a black hole costs a call
/// nothing). Failed refreshes back off, doubling from 1 s up to 30 s. A service that never got a key set
/// refuses authenticated calls (UNAVAILABLE) — those calls share the one fetch in flight, and fail at once
/// while backing off — but starts and serves everything else.
/// </summary>
/// <remarks>
/// Not IdentityModel's ConfigurationManager: that needs an OpenID discovery document and refuses refresh
/// intervals under five minutes, which would keep key rotation out of reach of the tests.
/// </remarks>
public sealed partial class JwksConfigurationManager(
    IHttpClientFactory httpClients, AuthOptions options, TimeProvider time, ILogger<JwksConfigurationManager> logger)
    : IConfigurationManager<OpenIdConnectConfiguration>
{
    public const string HttpClientName = "servicedesk-jwks";
    public const string JwksPath = "/.well-known/jwks.json";

    private static readonly TimeSpan FirstRetryAfterFailure = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryAfterFailure = TimeSpan.FromSeconds(30);

    /// <summary>A token naming an unknown key triggers at most one fetch this often.</summary>
    private static readonly TimeSpan MinimumRefreshInterval = TimeSpan.FromSeconds(5);

    private readonly Lock _starting = new();
    private volatile State _state = new(null, DateTimeOffset.MinValue, DateTimeOffset.MinValue, 0);
    private Task<OpenIdConnectConfiguration?>? _fetch;

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        var state = _state;
        var due = time.GetUtcNow() >= state.RefreshDue;
        if (state.Configuration is { } current)
        {
            if (due)
            {
                _ = StartFetch();
            }

            return current;
        }

        if (!due)
        {
            throw Unavailable();
        }

        return await StartFetch().WaitAsync(cancel) ?? throw Unavailable();
    }

    public void RequestRefresh()
    {
        var state = _state;
        var soonest = state.FetchedAt + MinimumRefreshInterval;
        if (soonest < state.RefreshDue)
        {
            _state = state with { RefreshDue = soonest };
        }
    }

    /// <summary>The fetch in flight, or a new one: never two at once.</summary>
    private Task<OpenIdConnectConfiguration?> StartFetch()
    {
        lock (_starting)
        {
            if (_fetch is { IsCompleted: false } inFlight)
            {
                return inFlight;
            }

            _fetch = Task.Run(FetchAndKeepAsync);
            return _fetch;
        }
    }

    /// <summary>Null when the fetch failed; the state then says when to try again.</summary>
    private async Task<OpenIdConnectConfiguration?> FetchAndKeepAsync()
    {
        var state = _state;
        try
        {
            // Not any caller's cancellation: the fetch serves every caller, and the HTTP client's timeout bounds it.
            var configuration = await FetchAsync(CancellationToken.None);
            var now = time.GetUtcNow();
            _state = new State(configuration, now + options.KeyRefreshInterval, now, 0);
            return configuration;
        }
        catch (Exception exception) when (exception is HttpRequestException or ArgumentException or InvalidOperationException or TaskCanceledException)
        {
            var failures = state.Failures + 1;
            var retryAfter = TimeSpan.FromTicks(Math.Min(FirstRetryAfterFailure.Ticks << Math.Min(failures - 1, 16), MaxRetryAfterFailure.Ticks));
            LogFetchFailed(exception, state.Configuration is not null, retryAfter.TotalSeconds);
            _state = state with { RefreshDue = time.GetUtcNow() + retryAfter, Failures = failures };
            return null;
        }
    }

    private async Task<OpenIdConnectConfiguration> FetchAsync(CancellationToken cancel)
    {
        if (options.Authority is null)
        {
            throw new InvalidOperationException($"{AuthOptions.Section}:Authority is not configured: no signing keys to validate access tokens with.");
        }

        var address = new Uri(options.Authority, JwksPath);
        using var response = await httpClients.CreateClient(HttpClientName).GetAsync(address, cancel);
        response.EnsureSuccessStatusCode();
        var keySet = new JsonWebKeySet(await response.Content.ReadAsStringAsync(cancel));
        var configuration = new OpenIdConnectConfiguration { Issuer = options.Issuer, JwksUri = address.ToString(), JsonWebKeySet = keySet };
        foreach (var key in keySet.GetSigningKeys())
        {
            configuration.SigningKeys.Add(key);
        }

        return configuration;
    }

    private static InvalidOperationException Unavailable() => new("The signing keys could not be fetched from Identity.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching the signing keys from Identity failed; keeping the previous key set: {HasPrevious}; next attempt in {RetryAfterSeconds} s")]
    private partial void LogFetchFailed(Exception exception, bool hasPrevious, double retryAfterSeconds);

    private sealed record State(OpenIdConnectConfiguration? Configuration, DateTimeOffset RefreshDue, DateTimeOffset FetchedAt, int Failures);
}
