using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Gateway.Backends;
using ServiceDesk.Gateway.Problems;

namespace ServiceDesk.Gateway.Api;

public sealed record CreateAccountBody(string? Login, string? Password, string? Role, IReadOnlyList<string>? ProjectKeys, string? CustomerId);

/// <summary>Accounts, for admins (Identity decides who may).</summary>
internal static class AccountEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var accounts = api.MapGroup("/accounts").WithTags("Accounts");
        accounts.MapPost("/", CreateAsync).WithSummary("Create an account (admin)");
        accounts.MapPost("/{accountId}/disable", DisableAsync).WithSummary("Disable an account and end its sessions (admin)");
        accounts.MapPost("/{accountId}/enable", EnableAsync).WithSummary("Enable a disabled account (admin)");
        accounts.MapDelete("/{accountId}", DeleteAsync).WithSummary("Delete an account (admin)");
    }

    private static async Task<IResult> CreateAsync(CreateAccountBody body, IdentityService.IdentityServiceClient identity, BackendCall call)
    {
        if (!ApiEnum<Role>.TryParse(body.Role, out var role))
        {
            return GrpcProblems.Invalid("role", $"must be one of {ApiEnum<Role>.Names}");
        }

        if (GrpcProblems.NullEntry(body.ProjectKeys, "projectKeys") is { } nullEntry)
        {
            return nullEntry;
        }

        var account = await identity.CreateAccountAsync(
            new CreateAccountRequest
            {
                Login = body.Login ?? string.Empty,
                Password = body.Password ?? string.Empty,
                Role = role,
                ProjectKeys = { body.ProjectKeys ?? [] },
                CustomerId = body.CustomerId ?? string.Empty,
            },
            await call.AsUserAsync());
        return Results.Created($"/api/v1/accounts/{account.Id}", AccountResource.From(account));
    }

    private static async Task<IResult> DisableAsync(string accountId, IdentityService.IdentityServiceClient identity, BackendCall call) =>
        Results.Ok(AccountResource.From(await identity.DisableAccountAsync(new DisableAccountRequest { AccountId = accountId }, await call.AsUserAsync())));

    private static async Task<IResult> EnableAsync(string accountId, IdentityService.IdentityServiceClient identity, BackendCall call) =>
        Results.Ok(AccountResource.From(await identity.EnableAccountAsync(new EnableAccountRequest { AccountId = accountId }, await call.AsUserAsync())));

    private static async Task<IResult> DeleteAsync(string accountId, IdentityService.IdentityServiceClient identity, BackendCall call)
    {
        await identity.DeleteAccountAsync(new DeleteAccountRequest { AccountId = accountId }, await call.AsUserAsync());
        return Results.NoContent();
    }
}
