namespace ServiceDesk.Hosting.Validation;

/// <summary>Bounds every service applies to the ids and tokens it is sent, before any store access.</summary>
public static class Ids
{
    /// <summary>Ids are 32 hex digits today; the bound leaves room without letting a request carry a document.</summary>
    public const int MaxLength = 64;

    /// <summary>Opaque page tokens of every list RPC.</summary>
    public const int MaxPageTokenLength = 512;
}
