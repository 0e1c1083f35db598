using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using ServiceDesk.Hosting.Errors;

namespace ServiceDesk.Hosting.Auth;

/// <summary>
/// Validates the call's bearer token with JwtBearer, if one was sent (a token's caller found lately is reused:
/// <see cref="RememberedCallers"/>), asks the <see cref="ISessionCheck"/> if one is registered whether an account's
/// session is still active, and records the caller for <see cref="CallContextExtensions.GetCaller"/>. Authorisation
/// is the handler's: it knows which data a call touches.
/// </summary>
public sealed partial class CallerInterceptor(RememberedCallers remembered, IEnumerable<ISessionCheck> sessionChecks, ILogger<CallerInterceptor> logger) : Interceptor
{
    private readonly ISessionCheck? _sessions = sessionChecks.SingleOrDefault();

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await ResolveAsync(context);
        return await continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await ResolveAsync(context);
        await continuation(request, responseStream, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await ResolveAsync(context);
        return await continuation(requestStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await ResolveAsync(context);
        await continuation(requestStream, responseStream, context);
    }

    private async Task ResolveAsync(ServerCallContext context)
    {
        var http = context.GetHttpContext();
        http.Features.Set(await AuthenticateAsync(http, context.Method));
    }

    private async Task<CallerResolution> AuthenticateAsync(Microsoft.AspNetCore.Http.HttpContext http, string method)
    {
        var authorization = http.Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(authorization))
        {
            return new CallerResolution(Caller.Anonymous, null);
        }

        var caller = await remembered.FindAsync(authorization, http.RequestAborted);
        if (caller is null)
        {
            var result = await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
            if (!result.Succeeded || Caller.FromClaims(result.Principal, result.Properties?.ExpiresUtc) is not { } validated)
            {
                return Refused(result, method);
            }

            remembered.Remember(authorization, validated);
            caller = validated;
        }

        return caller.SessionId is { } sessionId && _sessions is not null && !await _sessions.IsActiveAsync(sessionId, http.RequestAborted)
            ? new CallerResolution(null, new UnauthenticatedException("The session of this access token has ended; sign in again."))
            : new CallerResolution(caller, null);
    }

    private CallerResolution Refused(AuthenticateResult result, string method)
    {
        switch (result.Failure)
        {
            case OversizedAccessTokenException oversized:
                return new CallerResolution(null, new UnauthenticatedException(oversized.Message));
            case SecurityTokenExpiredException:
                return new CallerResolution(null, new UnauthenticatedException("The access token has expired; refresh it."));
            case null when !result.Succeeded:
                return new CallerResolution(null, new UnauthenticatedException("Send the access token as \"authorization: Bearer <token>\"."));
            case null or SecurityTokenException or ArgumentException:
                return new CallerResolution(null, new UnauthenticatedException("The access token is not valid."));
            default:
                // Not the token's fault: the keys to check it could not be had.
                LogKeysUnavailable(result.Failure, method);
                return new CallerResolution(null, new UnavailableException("Access tokens cannot be validated right now: the signing keys are unavailable. Retry later."));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot validate the access token of a call to {Method}: signing keys unavailable")]
    private partial void LogKeysUnavailable(Exception exception, string method);
}
