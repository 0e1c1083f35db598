using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using ServiceDesk.Hosting.Configuration;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Hosting.Tests;

public sealed class SecretsDirectoryTests
{
    [Fact]
    public void Every_file_in_the_secrets_directory_becomes_the_setting_its_name_spells_and_wins_over_earlier_sources()
    {
        var secrets = TestDirectory.Create("secrets");
        File.WriteAllText(Path.Combine(secrets, "Auth__ServiceSecret"), "  s3cret-value\n");
        File.WriteAllText(Path.Combine(secrets, "Identity__ServiceCredentials__directory"), "ab12\r\n");
        File.WriteAllText(Path.Combine(secrets, "KeyProtection__RetiredKeys__0"), "old-kek");
        // How a Kubernetes Secret volume looks inside: hidden bookkeeping entries next to the keys.
        File.WriteAllText(Path.Combine(secrets, "..data"), "not a setting");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = TestDirectory.Create("secrets-host"), EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [SecretsDirectory.Setting] = secrets,
            ["Auth:ServiceSecret"] = "from-an-earlier-source",
            ["Endpoints:BindAddress"] = "127.0.0.1",
        });

        builder.AddServiceDefaults("probe");

        Assert.Equal("s3cret-value", builder.Configuration["Auth:ServiceSecret"]);
        Assert.Equal("ab12", builder.Configuration["Identity:ServiceCredentials:directory"]);
        Assert.Equal("old-kek", builder.Configuration["KeyProtection:RetiredKeys:0"]);
        Assert.DoesNotContain(builder.Configuration.AsEnumerable(), setting => setting.Key.StartsWith('.'));
    }

    [Fact]
    public void A_secrets_directory_that_does_not_exist_stops_the_start_with_its_name()
    {
        var missing = Path.Combine(TestDirectory.Create("secrets"), "absent");
        var configuration = new ConfigurationManager();
        configuration[SecretsDirectory.Setting] = missing;

        var error = Assert.Throws<InvalidOperationException>(() => configuration.AddSecretsDirectory());

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }
}
