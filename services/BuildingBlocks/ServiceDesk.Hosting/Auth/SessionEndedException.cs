using Microsoft.IdentityModel.Tokens;

namespace ServiceDesk.Hosting.Auth;

/// <summary>A validly signed access token whose session has ended: only Identity, which keeps the sessions, can tell.</summary>
public sealed class SessionEndedException() : SecurityTokenException("The session of this access token has ended; sign in again.");
