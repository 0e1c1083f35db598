namespace ServiceDesk.Robustness.Tests.ExpiredTokens;

/// <summary>The system of <see cref="SystemHosts"/> with access tokens that expire <see cref="Lifetime"/> after they are issued.</summary>
public sealed class ExpiringTokenHosts() : SystemHosts(Lifetime)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(15);
}
