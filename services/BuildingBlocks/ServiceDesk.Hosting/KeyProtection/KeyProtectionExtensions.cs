using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ServiceDesk.Hosting.KeyProtection;

public static class KeyProtectionExtensions
{
    /// <summary>Registers the <see cref="KeyWrapper"/>; without <c>KeyProtection:Key</c> the host does not build, with a message naming the setting.</summary>
    public static WebApplicationBuilder AddKeyProtection(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(KeyProtectionOptions.Section).Get<KeyProtectionOptions>() ?? new KeyProtectionOptions();
        builder.Services.AddSingleton(new KeyWrapper(options));
        return builder;
    }
}
