using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Identity.Accounts;
using ServiceDesk.Identity.Keys;
using ServiceDesk.Identity.ServiceTokens;
using ServiceDesk.Identity.Sessions;
using ServiceDesk.Identity.Throttling;
using Account = ServiceDesk.Identity.Accounts.Account;

namespace ServiceDesk.Identity.Grpc;

/// <summary>The v1 identity API: maps messages to the features and back; who may do what is decided here.</summary>
public sealed class IdentityGrpcService(
    AccountRegistry registry,
    AccountLifecycle lifecycle,
    IAccountStore accounts,
    SessionService sessions,
    AccessTokenIssuer tokens,
    ServiceCredentials serviceCredentials,
    KeyRing keys,
    IdentityOptions options) : IdentityService.IdentityServiceBase
{
    public override async Task<Contracts.Identity.V1.Account> CreateAccount(CreateAccountRequest request, ServerCallContext context)
    {
        context.GetCaller().RequireAdmin();
        var account = await registry.CreateAsync(
            new NewAccount(request.Login, request.Password, ToRole(request.Role), request.ProjectKeys, request.CustomerId),
            context.CancellationToken);
        return ToMessage(account);
    }

    public override async Task<SignInResponse> SignIn(SignInRequest request, ServerCallContext context) =>
        ToMessage(await sessions.SignInAsync(request.Login, request.Password, SourceAddress.Of(context, options.Throttling.TrustedProxyHops), context.CancellationToken));

    public override async Task<SignInResponse> Refresh(RefreshRequest request, ServerCallContext context) =>
        ToMessage(await sessions.RefreshAsync(request.RefreshToken, context.CancellationToken));

    public override async Task<SignOutResponse> SignOut(SignOutRequest request, ServerCallContext context)
    {
        await sessions.SignOutAsync(request.RefreshToken, context.CancellationToken);
        return new SignOutResponse();
    }

    public override async Task<RevokeSessionsResponse> RevokeSessions(RevokeSessionsRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller().RequireRole(CallerRole.Customer, CallerRole.Agent, CallerRole.Admin);
        var accountId = string.IsNullOrEmpty(request.AccountId) ? caller.AccountId! : request.AccountId;
        if (accountId != caller.AccountId)
        {
            caller.RequireAdmin();
            _ = await accounts.GetAsync(accountId, context.CancellationToken) ?? throw new NotFoundException("account", accountId, "account_id");
        }

        return new RevokeSessionsResponse { RevokedSessions = await sessions.RevokeAllAsync(accountId, context.CancellationToken) };
    }

    public override async Task<WhoAmIResponse> WhoAmI(WhoAmIRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller().RequireAuthenticated();
        var response = new WhoAmIResponse { AccessTokenExpiresAt = caller.ExpiresAt is { } expiresAt ? Timestamp.FromDateTimeOffset(expiresAt) : null };
        if (caller.Role == CallerRole.Service)
        {
            response.ServiceName = caller.ServiceName;
            return response;
        }

        var account = await accounts.GetAsync(caller.AccountId!, context.CancellationToken)
            ?? throw new UnauthenticatedException("The account of this access token no longer exists.");
        response.Account = ToMessage(account);
        response.SessionId = caller.SessionId;
        return response;
    }

    public override async Task<Contracts.Identity.V1.Account> DisableAccount(DisableAccountRequest request, ServerCallContext context)
    {
        RequireAdminActingOnAnother(context, request.AccountId);
        return ToMessage(await lifecycle.SetDisabledAsync(request.AccountId, disabled: true, context.CancellationToken));
    }

    public override async Task<Contracts.Identity.V1.Account> EnableAccount(EnableAccountRequest request, ServerCallContext context)
    {
        context.GetCaller().RequireAdmin();
        return ToMessage(await lifecycle.SetDisabledAsync(request.AccountId, disabled: false, context.CancellationToken));
    }

    public override async Task<DeleteAccountResponse> DeleteAccount(DeleteAccountRequest request, ServerCallContext context)
    {
        RequireAdminActingOnAnother(context, request.AccountId);
        return new DeleteAccountResponse { RevokedSessions = await lifecycle.DeleteAsync(request.AccountId, context.CancellationToken) };
    }

    public override async Task<ChangePasswordResponse> ChangePassword(ChangePasswordRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller().RequireRole(CallerRole.Customer, CallerRole.Agent, CallerRole.Admin);
        await lifecycle.ChangePasswordAsync(
            caller.AccountId!, request.CurrentPassword, request.NewPassword, SourceAddress.OfAccount(caller.AccountId!), context.CancellationToken);
        return new ChangePasswordResponse();
    }

    public override async Task<ResetPasswordResponse> ResetPassword(ResetPasswordRequest request, ServerCallContext context)
    {
        context.GetCaller().RequireAdmin();
        return new ResetPasswordResponse { RevokedSessions = await lifecycle.ResetPasswordAsync(request.AccountId, request.NewPassword, context.CancellationToken) };
    }

    public override async Task<GetJwksResponse> GetJwks(GetJwksRequest request, ServerCallContext context)
    {
        var response = new GetJwksResponse { JwksJson = await keys.GetJwksJsonAsync(context.CancellationToken) };
        response.Keys.AddRange((await keys.GetPublishedKeysAsync(context.CancellationToken)).Select(key => new JsonWebKey
        {
            Kid = key.Kid,
            Kty = key.Kty,
            Alg = key.Alg,
            Use = key.Use,
            Crv = key.Crv,
            X = key.X,
            Y = key.Y,
        }));
        return response;
    }

    public override async Task<IssueServiceTokenResponse> IssueServiceToken(IssueServiceTokenRequest request, ServerCallContext context)
    {
        if (!serviceCredentials.Verify(request.ServiceName, request.Secret))
        {
            throw new UnauthenticatedException("Unknown service or wrong secret.");
        }

        var token = await tokens.IssueForServiceAsync(request.ServiceName, context.CancellationToken);
        return new IssueServiceTokenResponse { AccessToken = token.Value, ExpiresAt = Timestamp.FromDateTime(token.ExpiresAt) };
    }

    /// <summary>
    /// An admin never disables or deletes their own account: the last admin cannot lock everyone out. In any letter
    /// case, as the LiteDB store matches ids (its collation ignores case).
    /// </summary>
    private static void RequireAdminActingOnAnother(ServerCallContext context, string accountId)
    {
        if (string.Equals(context.GetCaller().RequireAdmin().AccountId, accountId, StringComparison.OrdinalIgnoreCase))
        {
            throw new PreconditionFailedException("OWN_ACCOUNT", "account_id", "An admin cannot disable or delete their own account; another admin can.");
        }
    }

    private static AccountRole ToRole(Role role) => role switch
    {
        Role.Admin => AccountRole.Admin,
        Role.Agent => AccountRole.Agent,
        Role.Customer => AccountRole.Customer,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "validated before"),
    };

    private static Contracts.Identity.V1.Account ToMessage(Account account) => new()
    {
        Id = account.Id,
        Login = account.Login,
        Role = account.Role switch
        {
            AccountRole.Admin => Role.Admin,
            AccountRole.Agent => Role.Agent,
            _ => Role.Customer,
        },
        ProjectKeys = { account.ProjectKeys },
        CustomerId = account.CustomerId ?? string.Empty,
        CreatedAt = Timestamp.FromDateTime(DateTime.SpecifyKind(account.CreatedAt, DateTimeKind.Utc)),
        Disabled = account.Disabled,
    };

    private static SignInResponse ToMessage(SignedIn signedIn) => new()
    {
        AccessToken = signedIn.AccessToken.Value,
        AccessTokenExpiresAt = Timestamp.FromDateTime(signedIn.AccessToken.ExpiresAt),
        RefreshToken = signedIn.RefreshToken,
        RefreshTokenExpiresAt = Timestamp.FromDateTime(signedIn.RefreshTokenExpiresAt),
        Account = ToMessage(signedIn.Account),
    };
}
