using System.Globalization;

namespace ServiceDesk.Throughput.Bench;

/// <summary>The command line; the defaults are the recorded run, smaller counts make a quick one.</summary>
public sealed record BenchOptions(
    int Creates, int Removals, int BigTickets, int BigCustomerTickets, bool SkipBig, bool BigWarmFile, bool BigWithoutLoad, string ServerCores, int BasePort, string DataDirectory)
{
    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions(
            Creates: 3000, Removals: 1000, BigTickets: 100_000, BigCustomerTickets: 10_000, SkipBig: false, BigWarmFile: false, BigWithoutLoad: false, ServerCores: "0", BasePort: 7600,
            DataDirectory: Path.Combine(Path.GetTempPath(), $"throughput-bench-{Guid.NewGuid():N}"));
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Number() => int.Parse(Next(), NumberStyles.None, CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--creates" => options with { Creates = Number() },
                "--removals" => options with { Removals = Number() },
                "--big-tickets" => options with { BigTickets = Number() },
                "--big-customer-tickets" => options with { BigCustomerTickets = Number() },
                "--skip-big" => options with { SkipBig = true },
                "--big-warm-file" => options with { BigWarmFile = true },
                "--big-without-load" => options with { BigWithoutLoad = true },
                "--server-cores" => options with { ServerCores = Next() },
                "--base-port" => options with { BasePort = Number() },
                "--data-dir" => options with { DataDirectory = Path.GetFullPath(Next()) },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return options;
    }
}
