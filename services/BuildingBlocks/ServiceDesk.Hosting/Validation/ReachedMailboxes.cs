namespace ServiceDesk.Hosting.Validation;

/// <summary>
/// The mailboxes an address reaches, each of which a removal's tombstone refuses: the address, and for a
/// subaddress (<c>jane+desk@example.com</c>) the mailbox it is delivered to (<c>jane@example.com</c>). Otherwise staff, or
/// mail from it, could give a removed customer's mailbox a customer or a login again under any tag.
/// </summary>
public static class ReachedMailboxes
{
    public static IEnumerable<string> Of(string address) =>
        EmailAddress.TryParse(address, out var parsed) && parsed.WithoutSubaddress is { } delivered ? [address, delivered.Value] : [address];
}
