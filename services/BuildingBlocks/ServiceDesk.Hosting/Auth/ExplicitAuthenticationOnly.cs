using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ServiceDesk.Hosting.Auth;

/// <summary>
/// No scheme authenticates by default: the authentication middleware WebApplication adds would otherwise run
/// JwtBearer on every request, also on the many without a token (a quarter of a probe's time). A call's token is
/// validated by <see cref="CallerInterceptor"/>, which names the scheme; nothing reads <c>HttpContext.User</c>.
/// </summary>
internal sealed class ExplicitAuthenticationOnly(IOptions<AuthenticationOptions> options) : AuthenticationSchemeProvider(options)
{
    public override Task<AuthenticationScheme?> GetDefaultAuthenticateSchemeAsync() => Task.FromResult<AuthenticationScheme?>(null);
}
