using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Hosting.Clients;

namespace ServiceDesk.Hosting.Auth;

/// <summary>
/// This service's own access token (role "service"), issued by Identity against <see cref="AuthOptions.ServiceSecret"/>,
/// cached and renewed once half its lifetime has passed, so calls never carry an expiring token.
/// </summary>
/// <remarks>
/// Its Identity client is its own, not one from the client factory: asking for a token must not need a token,
/// and a service's own typed IdentityService client must stay the one it registered.
/// </remarks>
public sealed class ServiceTokenProvider : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly IdentityService.IdentityServiceClient _identity;
    private readonly IssueServiceTokenRequest _request;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _renewing = new(1, 1);
    private volatile CachedToken? _token;

    public ServiceTokenProvider(GrpcChannel identityChannel, TimeSpan callTimeout, string secret, ServiceInfo service, TimeProvider time)
    {
        _channel = identityChannel;
        _identity = new IdentityService.IdentityServiceClient(_channel.Intercept(new DeadlineInterceptor(callTimeout, time)));
        _request = new IssueServiceTokenRequest { ServiceName = service.Name, Secret = secret };
        _time = time;
    }

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_token is { } token && _time.GetUtcNow() < token.RenewAt)
        {
            return token.Value;
        }

        await _renewing.WaitAsync(cancellationToken);
        try
        {
            if (_token is { } renewed && _time.GetUtcNow() < renewed.RenewAt)
            {
                return renewed.Value;
            }

            var issuedAt = _time.GetUtcNow();
            IssueServiceTokenResponse reply;
            try
            {
                reply = await _identity.IssueServiceTokenAsync(_request, cancellationToken: cancellationToken);
            }
            catch (RpcException exception) when (exception.StatusCode != StatusCode.Cancelled)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, $"This service could not obtain its service token from Identity ({exception.StatusCode})."));
            }

            var expiresAt = reply.ExpiresAt.ToDateTimeOffset();
            _token = new CachedToken(reply.AccessToken, issuedAt + ((expiresAt - issuedAt) / 2));
            return reply.AccessToken;
        }
        finally
        {
            _renewing.Release();
        }
    }

    public void Dispose()
    {
        _renewing.Dispose();
        _channel.Dispose();
    }

    private sealed record CachedToken(string Value, DateTimeOffset RenewAt);
}
