using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ServiceDesk.Hosting.Auth;

namespace ServiceDesk.Hosting.Clients;

public static class ServiceClientExtensions
{
    /// <summary>Default deadline of an outgoing call; <c>Services:CallTimeout</c> overrides it.</summary>
    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often a <c>dns:///</c> address is resolved again; <c>Services:DnsRefreshInterval</c> overrides it. Grpc.Net.Client's
    /// own resolver resolves only when a connection fails, so pods a scale-up adds would get no call from a channel
    /// that already runs (the channels live as long as the process). Grpc.Net.Client resolves one name at most every 15 s.
    /// </summary>
    public static readonly TimeSpan DefaultDnsRefreshInterval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Registers a typed gRPC client for another service. Its address comes from <c>Services:&lt;name&gt;</c>:
    /// <c>http://host:port</c>, or <c>dns:///service.namespace:port</c> in Kubernetes, where a headless
    /// Service's records feed client-side round_robin (one HTTP/2 connection would pin every call to one
    /// pod). TLS and mutual TLS follow <c>Services:Tls</c> (<see cref="ServiceTlsOptions"/>). Every call gets
    /// a deadline. When <c>Auth:ServiceSecret</c> is set, every call also carries this service's own token
    /// (<see cref="ServiceTokenProvider"/>, from Identity at <c>Services:identity</c>), unless
    /// <paramref name="withServiceToken"/> is false: a client whose calls carry their user's token (the gateway's)
    /// must not add a second one, which makes the called service refuse both.
    /// Give a <paramref name="clientName"/> when one client type talks to several services; create it through
    /// <c>GrpcClientFactory</c> by that name.
    /// </summary>
    public static IHttpClientBuilder AddServiceClient<TClient>(
        this IServiceCollection services, IConfiguration configuration, string serviceName, string? clientName = null, bool withServiceToken = true)
        where TClient : ClientBase
    {
        var uri = ServiceAddress(configuration, serviceName);
        var timeout = CallTimeout(configuration);
        var tls = TlsOptions(configuration);
        // The client factory hands its channels this provider: a registered "dns" resolver replaces the built-in one.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ResolverFactory>(new DnsResolverFactory(DnsRefreshInterval(configuration))));
        var client = (clientName is null
                ? services.AddGrpcClient<TClient>(options => options.Address = uri)
                : services.AddGrpcClient<TClient>(clientName, options => options.Address = uri))
            .ConfigureChannel(channel =>
            {
                channel.Credentials = tls.UsesTls(uri) ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure;
                channel.ServiceConfig = RoundRobin();
            })
            .AddInterceptor(provider => new DeadlineInterceptor(timeout, provider.GetService<TimeProvider>() ?? TimeProvider.System));
        if (tls.NeedsHandler && tls.UsesTls(uri))
        {
            client.ConfigurePrimaryHttpMessageHandler(tls.CreateHandler);
        }

        if (!withServiceToken || !services.AddServiceTokenProvider(configuration))
        {
            return client;
        }

        return tls.UsesTls(uri)
            ? client.AddCallCredentials(AttachServiceToken)
            : client.ConfigureChannel(channel => channel.UnsafeUseInsecureChannelCallCredentials = true).AddCallCredentials(AttachServiceToken);
    }

    /// <summary>
    /// Registers this service's <see cref="ServiceTokenProvider"/> (once) when <c>Auth:ServiceSecret</c> is set;
    /// false when it is not, and the service has no token of its own.
    /// </summary>
    public static bool AddServiceTokenProvider(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration[$"{AuthOptions.Section}:{nameof(AuthOptions.ServiceSecret)}"] is not { Length: > 0 } secret)
        {
            return false;
        }

        var identity = ServiceAddress(configuration, ServiceNames.Identity);
        var timeout = CallTimeout(configuration);
        var tls = TlsOptions(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new ServiceTokenProvider(
            CreateChannel(identity, tls, DnsRefreshInterval(configuration)), timeout, secret, provider.GetRequiredService<ServiceInfo>(), provider.GetRequiredService<TimeProvider>()));
        return true;
    }

    /// <summary>The <c>Services:Tls</c> section, for other clients of this service's peers (e.g. the key set reader).</summary>
    public static ServiceTlsOptions TlsOptions(IConfiguration configuration) =>
        configuration.GetSection(ServiceTlsOptions.Section).Get<ServiceTlsOptions>() ?? new ServiceTlsOptions();

    /// <summary>A channel with client-side round_robin over every address the name resolves to, TLS as configured.</summary>
    internal static GrpcChannel CreateChannel(Uri address, ServiceTlsOptions tls, TimeSpan dnsRefreshInterval)
    {
        var options = new GrpcChannelOptions
        {
            Credentials = tls.UsesTls(address) ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure,
            ServiceConfig = RoundRobin(),
            ServiceProvider = new ServiceCollection().AddSingleton<ResolverFactory>(new DnsResolverFactory(dnsRefreshInterval)).BuildServiceProvider(),
        };
        if (tls.NeedsHandler && tls.UsesTls(address))
        {
            options.HttpHandler = tls.CreateHandler();
            options.DisposeHttpClient = true;
        }

        return GrpcChannel.ForAddress(address, options);
    }

    private static async Task AttachServiceToken(AuthInterceptorContext context, Metadata metadata, IServiceProvider provider) =>
        metadata.Add("authorization", $"Bearer {await provider.GetRequiredService<ServiceTokenProvider>().GetTokenAsync(context.CancellationToken)}");

    private static ServiceConfig RoundRobin() => new() { LoadBalancingConfigs = { new RoundRobinConfig() } };

    private static TimeSpan CallTimeout(IConfiguration configuration) => configuration.GetValue("Services:CallTimeout", DefaultCallTimeout);

    private static TimeSpan DnsRefreshInterval(IConfiguration configuration) =>
        configuration.GetValue("Services:DnsRefreshInterval", DefaultDnsRefreshInterval) is var interval && interval > TimeSpan.Zero
            ? interval
            : throw new InvalidOperationException("Services:DnsRefreshInterval must be positive (e.g. 00:00:30).");

    private static Uri ServiceAddress(IConfiguration configuration, string serviceName)
    {
        var address = configuration[$"Services:{serviceName}"];
        return !string.IsNullOrWhiteSpace(address) && Uri.TryCreate(address, UriKind.Absolute, out var uri)
            ? uri
            : throw new InvalidOperationException($"Services:{serviceName} must be the address of the {serviceName} service (e.g. http://127.0.0.1:5000 or dns:///{serviceName}:5000).");
    }
}
