using Microsoft.IdentityModel.JsonWebTokens;

namespace ServiceDesk.Gateway.Sessions;

/// <summary>
/// Endpoint metadata: a customer's access token whose session Identity has ended is passed on here all the same, for
/// the service to accept until it expires. A customer whose own removal was approved has no account left to sign in
/// with, and reads how the removal went with the token they had.
/// </summary>
public sealed record EndedCustomerSessions
{
    private static readonly JsonWebTokenHandler Tokens = new();

    public static bool AreAllowed(HttpContext http, string accessToken) =>
        http.GetEndpoint()?.Metadata.GetMetadata<EndedCustomerSessions>() is not null && RoleOf(accessToken) == "customer";

    // Read without checking the signature: the service called checks it, and a role written into the token fails there.
    private static string? RoleOf(string accessToken)
    {
        try
        {
            return Tokens.CanReadToken(accessToken) && Tokens.ReadJsonWebToken(accessToken).TryGetPayloadValue<string>("role", out var role) ? role : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}

public static class EndedCustomerSessionsExtensions
{
    /// <summary>See <see cref="EndedCustomerSessions"/>.</summary>
    public static RouteHandlerBuilder AllowsEndedCustomerSessions(this RouteHandlerBuilder endpoint) => endpoint.WithMetadata(new EndedCustomerSessions());
}
