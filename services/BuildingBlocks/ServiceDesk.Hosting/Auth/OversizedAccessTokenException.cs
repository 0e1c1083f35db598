using Microsoft.IdentityModel.Tokens;

namespace ServiceDesk.Hosting.Auth;

/// <summary>The authorization header is longer than <see cref="AuthExtensions.MaxAuthorizationHeaderLength"/>; its token was not read.</summary>
public sealed class OversizedAccessTokenException()
    : SecurityTokenException($"The authorization header is longer than {AuthExtensions.MaxAuthorizationHeaderLength} characters; no access token is that long.");
