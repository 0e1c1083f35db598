using Grpc.Core;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Gateway.Backends;
using ServiceDesk.Gateway.Problems;
using ServiceDesk.Gateway.Security;
using ServiceDesk.Gateway.Sessions;

namespace ServiceDesk.Gateway.Api;

public sealed record SignInBody(string? Login, string? Password);

public sealed record RefreshBody(string? RefreshToken);

public sealed record ChangePasswordBody(string? CurrentPassword, string? NewPassword);

/// <summary>Signing in: a cookie session for the console, or tokens for other clients.</summary>
internal static class SessionEndpoints
{
    public static void MapSignIn(RouteGroupBuilder api)
    {
        var signIn = api.MapGroup(string.Empty).RequiresSignInPermit().WithTags("Session");
        signIn.MapPost("/session", SignInWithCookieAsync).WithSummary("Sign in; sets the session and CSRF cookies");
        signIn.MapPost("/tokens", SignInWithTokensAsync).WithSummary("Sign in; returns access and refresh tokens for a non-browser client");
        signIn.MapPost("/tokens/refresh", RefreshAsync).WithSummary("A new access token and the next refresh token (refresh tokens are single-use)");
        signIn.MapPost("/tokens/revoke", RevokeAsync).WithSummary("Ends the session of a refresh token");
    }

    public static void MapSession(RouteGroupBuilder api)
    {
        var session = api.MapGroup(string.Empty).WithTags("Session");
        session.MapGet("/session", CurrentAsync).WithSummary("Who is signed in, and the CSRF token of a cookie session");
        session.MapDelete("/session", SignOutAsync).WithSummary("Sign out: ends the session and clears its cookies");
        session.MapGet("/me", MeAsync).WithSummary("The signed-in account");
        session.MapPost("/me/password", ChangePasswordAsync).WithSummary("Change one's own password (ends every session of the account)");
    }

    private static async Task<IResult> SignInWithCookieAsync(
        SignInBody body, IdentityService.IdentityServiceClient identity, BackendCall call, SessionCookies cookies, SessionRefreshes refreshes, HttpContext http)
    {
        var signedIn = await identity.SignInAsync(new SignInRequest { Login = body.Login ?? string.Empty, Password = body.Password ?? string.Empty }, await call.SignInAsync());
        // The browser drops the cookie of the session it had: that session ends too, so the cookie, if it was copied, is worth nothing.
        if (cookies.Read(http.Request) is { } earlier)
        {
            await EndAsync(earlier, identity, call, refreshes);
        }

        var csrf = cookies.Write(http.Response, signedIn);
        return Results.Ok(new SessionResource(AccountResource.From(signedIn.Account), csrf));
    }

    private static async Task<IResult> SignInWithTokensAsync(SignInBody body, IdentityService.IdentityServiceClient identity, BackendCall call) =>
        Results.Ok(TokenResource.From(await identity.SignInAsync(
            new SignInRequest { Login = body.Login ?? string.Empty, Password = body.Password ?? string.Empty }, await call.SignInAsync())));

    private static async Task<IResult> RefreshAsync(RefreshBody body, IdentityService.IdentityServiceClient identity, BackendCall call) =>
        Results.Ok(TokenResource.From(await identity.RefreshAsync(new RefreshRequest { RefreshToken = body.RefreshToken ?? string.Empty }, call.Anonymous())));

    private static async Task<IResult> RevokeAsync(RefreshBody body, IdentityService.IdentityServiceClient identity, BackendCall call)
    {
        await identity.SignOutAsync(new SignOutRequest { RefreshToken = body.RefreshToken ?? string.Empty }, call.Anonymous());
        return Results.NoContent();
    }

    private static async Task<IResult> CurrentAsync(IdentityService.IdentityServiceClient identity, BackendCall call, SessionCookies cookies, HttpContext http)
    {
        var options = await call.AsUserAsync();
        var me = await identity.WhoAmIAsync(new WhoAmIRequest(), options);
        return Results.Ok(new SessionResource(AccountResource.From(AccountOf(me)), cookies.CsrfToken(http.Request) ?? string.Empty));
    }

    private static async Task<IResult> SignOutAsync(
        IdentityService.IdentityServiceClient identity, BackendCall call, SessionCookies cookies, SessionRefreshes refreshes, HttpContext http)
    {
        if (cookies.Read(http.Request) is { } session)
        {
            await EndAsync(session, identity, call, refreshes);
        }
        else if (http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            // A 204 would tell a token client it signed out while its refresh token goes on working. A token that is no
            // longer good is refused first (401), as on every other route.
            await identity.WhoAmIAsync(new WhoAmIRequest(), await call.AsUserAsync());
            return GrpcProblems.Invalid("authorization", "a session of tokens ends with POST /api/v1/tokens/revoke and its refresh token; DELETE /api/v1/session ends a browser's cookie session");
        }

        cookies.Clear(http.Response);
        return Results.NoContent();
    }

    private static async Task EndAsync(SessionState session, IdentityService.IdentityServiceClient identity, BackendCall call, SessionRefreshes refreshes)
    {
        try
        {
            await identity.SignOutAsync(new SignOutRequest { RefreshToken = session.RefreshToken }, call.Anonymous());
            // Identity refuses the session's access token from now on; the other services would accept it until it expires.
            refreshes.Ended(session.RefreshToken, session.AccessTokenExpiresAt);
        }
        catch (RpcException exception) when (exception.StatusCode is StatusCode.Unauthenticated or StatusCode.NotFound)
        {
            // Already ended elsewhere, or a cookie of no session: clearing or replacing the cookies is all that is left.
        }
    }

    private static async Task<IResult> MeAsync(IdentityService.IdentityServiceClient identity, BackendCall call) =>
        Results.Ok(AccountResource.From(AccountOf(await identity.WhoAmIAsync(new WhoAmIRequest(), await call.AsUserAsync()))));

    // A service identity's token has no account: the gateway serves people, so it is refused like any role without the right.
    private static Account AccountOf(WhoAmIResponse me) =>
        me.Account ?? throw new RpcException(new Status(StatusCode.PermissionDenied, "A service identity has no account."));

    private static async Task<IResult> ChangePasswordAsync(ChangePasswordBody body, IdentityService.IdentityServiceClient identity, BackendCall call)
    {
        await identity.ChangePasswordAsync(
            new ChangePasswordRequest { CurrentPassword = body.CurrentPassword ?? string.Empty, NewPassword = body.NewPassword ?? string.Empty }, await call.AsUserAsync());
        return Results.NoContent();
    }
}
