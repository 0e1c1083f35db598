using Microsoft.Extensions.Configuration;

namespace ServiceDesk.Hosting.Configuration;

/// <summary>
/// Settings from files: with <c>Secrets:Directory</c> set, every file in that directory named
/// <c>Section__Key</c> becomes the setting <c>Section:Key</c>, its content (surrounding whitespace and
/// newlines trimmed) the value. This is how compose secrets and Kubernetes Secret volumes reach a service
/// without putting a secret in an environment variable. The files win over every earlier source.
/// </summary>
public static class SecretsDirectory
{
    public const string Setting = "Secrets:Directory";

    public static IConfigurationManager AddSecretsDirectory(this IConfigurationManager configuration)
    {
        if (configuration[Setting] is { Length: > 0 } directory)
        {
            configuration.AddInMemoryCollection(Read(directory));
        }

        return configuration;
    }

    /// <summary>The settings the files in <paramref name="directory"/> hold.</summary>
    public static IReadOnlyDictionary<string, string?> Read(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new InvalidOperationException($"{Setting} names '{directory}', which is not a directory.");
        }

        // Kubernetes keeps a Secret volume's real files under "..data" and friends: hidden names are not settings.
        return new DirectoryInfo(directory).EnumerateFiles()
            .Where(file => !file.Name.StartsWith('.'))
            .ToDictionary(
                file => file.Name.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal),
                file => (string?)File.ReadAllText(file.FullName).Trim(),
                StringComparer.OrdinalIgnoreCase);
    }
}
