namespace ServiceDesk.Hosting.Auth;

/// <summary>
/// Whether the session an account's access token was issued for is still active. Only Identity keeps sessions and
/// registers one; the <see cref="CallerInterceptor"/> asks it on every call such a token authenticates, so Identity
/// refuses an ended session's token on all it serves, whether the token's caller was remembered or not.
/// </summary>
public interface ISessionCheck
{
    Task<bool> IsActiveAsync(string sessionId, CancellationToken cancellationToken);
}
