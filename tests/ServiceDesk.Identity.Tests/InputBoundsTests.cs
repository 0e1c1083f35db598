using Grpc.Core;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Testing;
using Xunit;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Identity.Tests;

/// <summary>Every string and repeated field of every Identity RPC has a maximum, checked before anything else: even anonymously, an over-long field is INVALID_ARGUMENT naming it.</summary>
[Collection(IdentityCollection.Name)]
public sealed class InputBoundsTests(IdentityFixture fixture)
{
    private static readonly string LongLogin = new string('a', 250) + "@example.com";
    private static readonly string LongPassword = new('p', 129);
    private static readonly string LongId = new('i', 65);

    public static TheoryData<string, string> OverLongFields => new()
    {
        { "CreateAccount", "login" },
        { "CreateAccount", "password" },
        { "CreateAccount", "project_keys" },
        { "CreateAccount", "customer_id" },
        { "SignIn", "login" },
        { "SignIn", "password" },
        { "Refresh", "refresh_token" },
        { "SignOut", "refresh_token" },
        { "RevokeSessions", "account_id" },
        { "DisableAccount", "account_id" },
        { "EnableAccount", "account_id" },
        { "DeleteAccount", "account_id" },
        { "ChangePassword", "current_password" },
        { "ChangePassword", "new_password" },
        { "ResetPassword", "account_id" },
        { "ResetPassword", "new_password" },
        { "IssueServiceToken", "service_name" },
        { "IssueServiceToken", "secret" },
    };

    [Theory]
    [MemberData(nameof(OverLongFields))]
    public async Task An_over_long_field_is_invalid_argument_before_any_other_check(string rpc, string field)
    {
        var client = fixture.Identity.Client();
        string Value(string name, string fine, string tooLong) => name == field ? tooLong : fine;
        Task call = rpc switch
        {
            "CreateAccount" when field == "project_keys" => client.CreateAccountAsync(new CreateAccountRequest
            {
                Login = NewLogin(), Password = Password, Role = Role.Agent, ProjectKeys = { Enumerable.Range(0, 51).Select(i => $"P{i}") },
            }).ResponseAsync,
            "CreateAccount" => client.CreateAccountAsync(new CreateAccountRequest
            {
                Login = Value("login", NewLogin(), LongLogin), Password = Value("password", Password, LongPassword),
                Role = Role.Customer, CustomerId = Value("customer_id", CustomerIds.Named("c-1"), LongId),
            }).ResponseAsync,
            "SignIn" => client.SignInAsync(new SignInRequest { Login = Value("login", NewLogin(), LongLogin), Password = Value("password", Password, LongPassword) }).ResponseAsync,
            "Refresh" => client.RefreshAsync(new RefreshRequest { RefreshToken = new string('r', 101) }).ResponseAsync,
            "SignOut" => client.SignOutAsync(new SignOutRequest { RefreshToken = new string('r', 101) }).ResponseAsync,
            "RevokeSessions" => client.RevokeSessionsAsync(new RevokeSessionsRequest { AccountId = LongId }).ResponseAsync,
            "DisableAccount" => client.DisableAccountAsync(new DisableAccountRequest { AccountId = LongId }).ResponseAsync,
            "EnableAccount" => client.EnableAccountAsync(new EnableAccountRequest { AccountId = LongId }).ResponseAsync,
            "DeleteAccount" => client.DeleteAccountAsync(new DeleteAccountRequest { AccountId = LongId }).ResponseAsync,
            "ChangePassword" => client.ChangePasswordAsync(new ChangePasswordRequest
            {
                CurrentPassword = Value("current_password", Password, LongPassword), NewPassword = Value("new_password", Password, LongPassword),
            }).ResponseAsync,
            "ResetPassword" => client.ResetPasswordAsync(new ResetPasswordRequest
            {
                AccountId = Value("account_id", "a-1", LongId), NewPassword = Value("new_password", Password, LongPassword),
            }).ResponseAsync,
            "IssueServiceToken" => client.IssueServiceTokenAsync(new IssueServiceTokenRequest
            {
                ServiceName = Value("service_name", "ticketing", new string('s', 201)), Secret = Value("secret", TicketingSecret, new string('s', 201)),
            }).ResponseAsync,
            _ => throw new ArgumentOutOfRangeException(nameof(rpc)),
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => call);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(field, Assert.Single(AccountTests.Violations(error)).Field);
    }
}
