using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace ServiceDesk.LocalRun;

/// <summary>Command line: [--data-dir DIR] [--base-port PORT] [--configuration Debug|Release].</summary>
public sealed record LocalRunOptions(string RepositoryRoot, string DataDirectory, int BasePort, string Configuration)
{
    public const string Usage = "usage: run.sh [--data-dir DIR (default .data)] [--base-port PORT (default 7100)] [--configuration Release|Debug]";

    public static bool TryParse(string[] args, [NotNullWhen(true)] out LocalRunOptions? options, out string error)
    {
        options = null;
        error = Usage;
        var root = FindRepositoryRoot();
        if (root is null)
        {
            error = "Cannot find Microservices.sln above " + AppContext.BaseDirectory + ".";
            return false;
        }

        var dataDirectory = Path.Combine(root, ".data");
        var basePort = 7100;
        var configuration = "Release";
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--data-dir" when value is not null:
                    dataDirectory = Path.GetFullPath(value);
                    i++;
                    break;
                case "--base-port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out basePort) && basePort is > 1023 and < 65000:
                    i++;
                    break;
                case "--configuration" when value is "Release" or "Debug":
                    configuration = value;
                    i++;
                    break;
                default:
                    error = $"unexpected argument '{args[i]}'\n{Usage}";
                    return false;
            }
        }

        options = new LocalRunOptions(root, dataDirectory, basePort, configuration);
        return true;
    }

    private static string? FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Microservices.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
