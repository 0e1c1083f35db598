using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ServiceDesk.Hosting.Auth;

/// <summary>
/// The signing keys JwtBearer validates with, read from Identity's <c>/.well-known/jwks.json</c> and fetched
/// again every <see cref="AuthOptions.KeyRefreshInterval"/> (and soon after a token names an unknown key).
/// While Identity is unreachable the last key set stays in use; a service that never got one refuses
/// authenticated calls (UNAVAILABLE) but starts and serves everything else.
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

    /// <summary>After a failed fetch, calls fail fast for this long instead of each waiting on Identity.</summary>
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);

    /// <summary>A token naming an unknown key triggers at most one fetch this often.</summary>
    private static readonly TimeSpan MinimumRefreshInterval = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _fetching = new(1, 1);
    private volatile State _state = new(null, DateTimeOffset.MinValue, DateTimeOffset.MinValue);

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        var state = _state;
        if (state.Configuration is { } current && time.GetUtcNow() < state.RefreshDue)
        {
            return current;
        }

        await _fetching.WaitAsync(cancel);
        try
        {
            var now = time.GetUtcNow();
            state = _state;
            if (now < state.RefreshDue)
            {
                return state.Configuration ?? throw Unavailable();
            }

            try
            {
                var configuration = await FetchAsync(cancel);
                _state = new State(configuration, now + options.KeyRefreshInterval, now);
                return configuration;
            }
            catch (Exception exception) when (exception is HttpRequestException or ArgumentException or InvalidOperationException
                                                  || (exception is TaskCanceledException && !cancel.IsCancellationRequested))
            {
                LogFetchFailed(exception, state.Configuration is not null);
                _state = state with { RefreshDue = now + RetryAfterFailure };
                return state.Configuration ?? throw Unavailable(exception);
            }
        }
        finally
        {
            _fetching.Release();
        }
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

    private static InvalidOperationException Unavailable(Exception? cause = null) =>
        new("The signing keys could not be fetched from Identity.", cause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching the signing keys from Identity failed; keeping the previous key set: {HasPrevious}")]
    private partial void LogFetchFailed(Exception exception, bool hasPrevious);

    private sealed record State(OpenIdConnectConfiguration? Configuration, DateTimeOffset RefreshDue, DateTimeOffset FetchedAt);
}
