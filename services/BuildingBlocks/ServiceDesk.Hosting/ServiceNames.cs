namespace ServiceDesk.Hosting;

/// <summary>The services by the names they use in configuration, Redis consumer groups and receipts.</summary>
public static class ServiceNames
{
    public const string Identity = "identity";
    public const string Directory = "directory";
    public const string Ticketing = "ticketing";
    public const string Notification = "notification";
    public const string Gateway = "gateway";

    /// <summary>Not a service of its own: the identity an MTA's pipe presents to hand inbound mail to Ticketing.</summary>
    public const string MailIntake = "mail-intake";

    /// <summary>The four services behind the gateway, each with its own database.</summary>
    public static readonly IReadOnlyList<string> Backends = [Identity, Directory, Ticketing, Notification];
}
