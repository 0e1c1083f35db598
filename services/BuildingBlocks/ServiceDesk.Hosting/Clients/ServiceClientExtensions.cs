using Grpc.Core;
using Grpc.Net.Client.Configuration;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Hosting.Auth;

namespace ServiceDesk.Hosting.Clients;

public static class ServiceClientExtensions
{
    /// <summary>Default deadline of an outgoing call; <c>Services:CallTimeout</c> overrides it.</summary>
    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Registers a typed gRPC client for another service. Its address comes from <c>Services:&lt;name&gt;</c>:
    /// <c>http://host:port</c>, or <c>dns:///service.namespace:port</c> in Kubernetes, where a headless
    /// Service's records feed client-side round_robin (one HTTP/2 connection would pin every call to one
    /// pod). Every call gets a deadline. When <c>Auth:ServiceSecret</c> is set, every call also carries this
    /// service's own token (<see cref="ServiceTokenProvider"/>). Give a <paramref name="clientName"/> when one
    /// client type talks to several services; create it through <c>GrpcClientFactory</c> by that name.
    /// </summary>
    public static IHttpClientBuilder AddServiceClient<TClient>(this IServiceCollection services, IConfiguration configuration, string serviceName, string? clientName = null)
        where TClient : ClientBase
    {
        var client = services.AddClient<TClient>(configuration, serviceName, clientName);
        if (string.IsNullOrEmpty(configuration[$"{AuthOptions.Section}:{nameof(AuthOptions.ServiceSecret)}"]))
        {
            return client;
        }

        services.AddServiceTokens(configuration);
        return client
            .ConfigureChannel(channel => channel.UnsafeUseInsecureChannelCallCredentials = true)
            .AddCallCredentials(async (context, metadata, provider) =>
                metadata.Add("authorization", $"Bearer {await provider.GetRequiredService<ServiceTokenProvider>().GetTokenAsync(context.CancellationToken)}"));
    }

    private static void AddServiceTokens(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(ServiceTokenProvider)))
        {
            return;
        }

        // Its own client, without call credentials: asking for a token must not need one.
        services.AddClient<IdentityService.IdentityServiceClient>(configuration, ServiceNames.Identity, ServiceTokenProvider.IdentityClientName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions());
        services.AddSingleton<ServiceTokenProvider>();
    }

    private static IHttpClientBuilder AddClient<TClient>(this IServiceCollection services, IConfiguration configuration, string serviceName, string? clientName)
        where TClient : ClientBase
    {
        var address = configuration[$"Services:{serviceName}"];
        if (string.IsNullOrWhiteSpace(address) || !Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            throw new InvalidOperationException($"Services:{serviceName} must be the address of the {serviceName} service (e.g. http://127.0.0.1:5000 or dns:///{serviceName}:5000).");
        }

        var timeout = configuration.GetValue("Services:CallTimeout", DefaultCallTimeout);
        var client = clientName is null
            ? services.AddGrpcClient<TClient>(options => options.Address = uri)
            : services.AddGrpcClient<TClient>(clientName, options => options.Address = uri);
        return client
            .ConfigureChannel(channel =>
            {
                channel.Credentials = ChannelCredentials.Insecure;
                channel.ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new RoundRobinConfig() } };
            })
            .AddInterceptor(provider => new DeadlineInterceptor(timeout, provider.GetService<TimeProvider>() ?? TimeProvider.System));
    }
}
