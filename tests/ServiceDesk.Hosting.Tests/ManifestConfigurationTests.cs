using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ServiceDesk.Hosting;
using ServiceDesk.LocalRedis;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Hosting.Tests;

/// <summary>
/// A service process configured only as the Kubernetes manifests configure it: the ConfigMap literals of
/// deploy/k8s/base/kustomization.yaml, the pod name from the downward API, the image's defaults, and a
/// Secrets:Directory holding the keys deploy/k8s/create-secrets.sh writes. Only addresses change: the
/// stores point at closed local ports and the endpoints at free ones.
/// </summary>
public sealed class ManifestConfigurationTests
{
    [Fact]
    public async Task A_service_configured_by_the_manifests_selects_mongodb_and_says_so_when_it_is_unreachable()
    {
        var data = TestDirectory.Create("manifest-data");
        var secrets = TestDirectory.Create("manifest-secrets");
        var mongoPort = FreePorts.Next();
        var (grpcPort, httpPort) = (FreePorts.Next(), FreePorts.Next());
        WriteSecrets(secrets, new Dictionary<string, string>
        {
            ["Storage__MongoUrl"] = $"mongodb://directory:{Hex(24)}@127.0.0.1:{mongoPort}/servicedesk-directory?replicaSet=rs0&authSource=admin",
            ["Redis__Password"] = Hex(24),
            ["KeyProtection__Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Erasure__TombstonePepper"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Auth__ServiceSecret"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        });
        WriteSecrets(secrets, TestEventKeys.Settings(ServiceNames.Directory, separator: "__").ToDictionary(setting => setting.Key, setting => setting.Value!));
        var environment = ManifestEnvironment("directory");
        environment["Secrets__Directory"] = secrets;
        environment["Redis__Configuration"] = $"127.0.0.1:{FreePorts.Next()}";
        environment["Messaging__InstanceName"] = "directory-7d9c5b6f4-x2x8q";
        // The image's ENV, with loopback and free ports instead of the container's.
        environment["Storage__DataDirectory"] = data;
        environment["Endpoints__BindAddress"] = "127.0.0.1";
        environment["Endpoints__GrpcPort"] = grpcPort.ToString(CultureInfo.InvariantCulture);
        environment["Endpoints__HttpPort"] = httpPort.ToString(CultureInfo.InvariantCulture);

        using var service = Start("ServiceDesk.Directory", environment);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(10) };
        var outcome = await Eventually.WaitForAsync(
            () => OutcomeAsync(service.Process, http),
            o => o is not null,
            "the service to answer /healthz or to exit",
            TimeSpan.FromSeconds(90));

        // Either it runs and reports the unreachable MongoDB as its store, or it stopped, non-zero, naming MongoDB.
        if (outcome is Outcome.Exited exited)
        {
            Assert.NotEqual(0, exited.ExitCode);
            Assert.Contains("Mongo", service.Output, StringComparison.OrdinalIgnoreCase);
        }
        else
        {
            var store = ((Outcome.Serving)outcome!).Health.GetProperty("dependencies").GetProperty("store");
            Assert.Equal("Unhealthy", store.GetProperty("status").GetString());
            Assert.Contains("MongoDB", store.GetProperty("description").GetString(), StringComparison.Ordinal);
        }

        Assert.Empty(System.IO.Directory.EnumerateFiles(data, "*.db"));
    }

    /// <summary>The literals of the ConfigMaps a service's Deployment reads: "servicedesk-common" and its own.</summary>
    private static Dictionary<string, string?> ManifestEnvironment(string service)
    {
        var settings = new Dictionary<string, string?>();
        string? generator = null;
        foreach (var line in File.ReadLines(RepositoryFiles.PathOf("deploy/k8s/base/kustomization.yaml")))
        {
            var text = line.Trim();
            if (text.StartsWith("- name: ", StringComparison.Ordinal))
            {
                generator = text["- name: ".Length..];
            }
            else if (generator is "servicedesk-common" || generator == service)
            {
                if (text.StartsWith("- ", StringComparison.Ordinal) && text.Contains('=', StringComparison.Ordinal))
                {
                    var (key, value) = (text[2..text.IndexOf('=', StringComparison.Ordinal)], text[(text.IndexOf('=', StringComparison.Ordinal) + 1)..]);
                    settings[key] = value;
                }
            }
        }

        Assert.Contains("Redis__Configuration", settings.Keys);
        Assert.Contains("Secrets__Directory", settings.Keys);
        return settings;
    }

    private static void WriteSecrets(string directory, Dictionary<string, string> secrets)
    {
        foreach (var (name, value) in secrets)
        {
            File.WriteAllText(Path.Combine(directory, name), value + "\n");
        }
    }

    private static async Task<Outcome?> OutcomeAsync(Process process, HttpClient http)
    {
        if (process.HasExited)
        {
            return new Outcome.Exited(process.ExitCode);
        }

        try
        {
            using var response = await http.GetAsync("/healthz");
            var body = await response.Content.ReadAsStringAsync();
            var health = JsonDocument.Parse(body).RootElement.Clone();
            // The store check has run once its description is there.
            return health.GetProperty("dependencies").TryGetProperty("store", out _) ? new Outcome.Serving(health) : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    private static RunningService Start(string assembly, Dictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, assembly + ".dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = TestDirectory.Create("manifest-content-root"),
        };
        // Nothing inherited but what runs dotnet: the manifests' settings are the whole configuration.
        start.Environment.Clear();
        foreach (var name in new[] { "PATH", "HOME", "DOTNET_ROOT", "TMPDIR" })
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                start.Environment[name] = value;
            }
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return new RunningService(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    private static string Hex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    private abstract record Outcome
    {
        public sealed record Exited(int ExitCode) : Outcome;

        public sealed record Serving(JsonElement Health) : Outcome;
    }

    /// <summary>The process and everything it wrote; killed at disposal.</summary>
    private sealed class RunningService : IDisposable
    {
        private readonly StringBuilder _output = new();

        public RunningService(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit(10_000);
            }

            Process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }
    }
}
