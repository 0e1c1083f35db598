using Grpc.Core;
using Grpc.Net.ClientFactory;
using ServiceDesk.Contracts.Identity.V1;

namespace ServiceDesk.Hosting.Auth;

/// <summary>
/// This service's own access token (role "service"), issued by Identity against <see cref="AuthOptions.ServiceSecret"/>,
/// cached and renewed once half its lifetime has passed, so calls never carry an expiring token.
/// </summary>
public sealed class ServiceTokenProvider(GrpcClientFactory clients, AuthOptions options, ServiceInfo service, TimeProvider time) : IDisposable
{
    public const string IdentityClientName = "servicedesk-service-token";

    private readonly SemaphoreSlim _renewing = new(1, 1);
    private volatile CachedToken? _token;

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_token is { } token && time.GetUtcNow() < token.RenewAt)
        {
            return token.Value;
        }

        await _renewing.WaitAsync(cancellationToken);
        try
        {
            if (_token is { } renewed && time.GetUtcNow() < renewed.RenewAt)
            {
                return renewed.Value;
            }

            var issuedAt = time.GetUtcNow();
            var client = clients.CreateClient<IdentityService.IdentityServiceClient>(IdentityClientName);
            IssueServiceTokenResponse reply;
            try
            {
                reply = await client.IssueServiceTokenAsync(
                    new IssueServiceTokenRequest { ServiceName = service.Name, Secret = options.ServiceSecret ?? string.Empty },
                    cancellationToken: cancellationToken);
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

    public void Dispose() => _renewing.Dispose();

    private sealed record CachedToken(string Value, DateTimeOffset RenewAt);
}
