using ServiceDesk.Directory;
using ServiceDesk.Gateway;
using ServiceDesk.Hosting;
using ServiceDesk.Identity;
using ServiceDesk.Notification;
using ServiceDesk.Ticketing;

namespace ServiceDesk.Testing;

/// <summary>The five hosts, wired as their Program.cs files wire them.</summary>
public static class ServiceApps
{
    public static readonly ServiceApp Identity = new(
        ServiceNames.Identity, "ServiceDesk.Identity", b => b.AddIdentityService(), a => a.MapIdentityService());

    public static readonly ServiceApp Directory = new(
        ServiceNames.Directory, "ServiceDesk.Directory", b => b.AddDirectoryService(), a => a.MapDirectoryService());

    public static readonly ServiceApp Ticketing = new(
        ServiceNames.Ticketing, "ServiceDesk.Ticketing", b => b.AddTicketingService(), a => a.MapTicketingService());

    public static readonly ServiceApp Notification = new(
        ServiceNames.Notification, "ServiceDesk.Notification", b => b.AddNotificationService(), a => a.MapNotificationService());

    public static readonly ServiceApp Gateway = new(
        ServiceNames.Gateway, "ServiceDesk.Gateway", b => b.AddGatewayService(), a => a.MapGatewayService());

    public static readonly IReadOnlyList<ServiceApp> Backends = [Identity, Directory, Ticketing, Notification];
}
