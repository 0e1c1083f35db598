namespace ServiceDesk.Directory.Keys;

/// <summary>What a customer key is wrapped for: its own record, so a wrapped key copied onto another record does not unwrap.</summary>
internal static class CustomerKeyPurpose
{
    public static string Of(string keyId) => $"servicedesk.directory customer key {keyId}";
}
