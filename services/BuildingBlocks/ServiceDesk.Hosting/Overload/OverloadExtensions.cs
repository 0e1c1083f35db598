using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ServiceDesk.Hosting.Overload;

public static class OverloadExtensions
{
    /// <summary>The options (section <see cref="OverloadOptions.Section"/>), the meter and the one limiter of this replica.</summary>
    public static void AddOverloadLimit(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(OverloadOptions.Section).Get<OverloadOptions>() ?? new OverloadOptions();
        options.Validate();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<OverloadMetrics>();
        // One instance for every call: the limit is per replica, not per call.
        builder.Services.AddSingleton<ConcurrencyLimitInterceptor>();
    }
}
